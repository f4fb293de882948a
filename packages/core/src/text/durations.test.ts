import { describe, expect, test } from "bun:test";
import { formatAgo, formatClock, formatDuration, formatInstant, formatReset, formatStamp } from "./durations.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("formatDuration", () => {
  test.each([
    [0, "0s"],
    [-5, "0s"],
    [400, "1s"],
    [37 * S, "37s"],
    [59 * S + 300, "1m"],
    [4 * M + 12 * S, "4m 12s"],
    [5 * M, "5m"],
    [41 * M + 50 * S, "41m"],
    [59 * M + 59 * S, "59m"],
    [2 * H + 5 * M, "2h 5m"],
    [2 * H + 13 * M, "2h 13m"],
    [3 * H, "3h"],
    [4 * D + 2 * H + 5 * M, "4d 2h"],
    [7 * D, "7d"],
  ])("%p ms → %p", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});

describe("formatReset and formatAgo", () => {
  test.each([
    [null, 0, "—"],
    [1000, 2000, "now"],
    [2000, 2000, "now"],
    [10 * M, 0, "10m"],
    [2 * H + 5 * M + 1, 1, "2h 5m"],
  ])("formatReset(%p, %p) → %p", (at, now, want) => {
    expect(formatReset(at, now)).toBe(want);
  });
  test("formatReset with another word for unknown", () => expect(formatReset(null, 0, "")).toBe(""));
  test.each([
    [0, 500, "just now"],
    [0, 1999, "just now"],
    [0, 12 * S, "12s ago"],
    [0, 2 * H + 5 * M, "2h 5m ago"],
  ])("formatAgo(%p, %p) → %p", (at, now, want) => {
    expect(formatAgo(at, now)).toBe(want);
  });
});

describe("clocks (local time)", () => {
  const at = new Date(2026, 2, 3, 9, 5, 7).getTime();
  test("formatClock is HH:MM:SS", () => expect(formatClock(at)).toBe("09:05:07"));
  test.each([
    [new Date(2026, 2, 3, 1, 0).getTime(), "09:05"],
    [new Date(2026, 2, 2, 23, 0).getTime(), "Mar 3 09:05"],
  ])("formatInstant from %p → %p", (now, want) => {
    expect(formatInstant(at, now)).toBe(want);
  });
  test.each([
    [new Date(2026, 2, 3, 18, 0).getTime(), "09:05:07"],
    [new Date(2026, 2, 4, 8, 0).getTime(), "2026-03-03 09:05:07"],
  ])("formatStamp at %p → %p", (now, want) => {
    expect(formatStamp(at, now)).toBe(want);
  });
});

import { describe, expect, test } from "bun:test";
import { makeTheme } from "../env/theme.ts";
import {
  barParts,
  fmtAgo,
  fmtClock,
  fmtCount,
  fmtDuration,
  fmtLatency,
  fmtPct,
  fmtReset,
  sparkline,
  truncate,
} from "./format.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe("fmtDuration", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [400, "1s"],
    [37 * S, "37s"],
    [4 * M + 12 * S, "4m 12s"],
    [5 * M, "5m"],
    [41 * M + 10 * S, "41m"],
    [2 * H + 13 * M, "2h 13m"],
    [3 * H, "3h"],
    [4 * 24 * H + 2 * H + 5 * M, "4d 2h"],
    [-5, "0s"],
  ];
  for (const [ms, want] of cases) test(`${ms}ms → ${want}`, () => expect(fmtDuration(ms)).toBe(want));
});

describe("small formatters", () => {
  test("fmtReset", () => {
    expect(fmtReset(null, 0)).toBe("—");
    expect(fmtReset(1000, 2000)).toBe("now");
    expect(fmtReset(10 * M, 0)).toBe("10m");
  });
  test("fmtAgo", () => {
    expect(fmtAgo(0, 500)).toBe("just now");
    expect(fmtAgo(0, 12 * S)).toBe("12s ago");
  });
  test("fmtClock is local HH:MM:SS", () => {
    const at = new Date(2024, 0, 1, 9, 5, 7).getTime();
    expect(fmtClock(at)).toBe("09:05:07");
  });
  test("fmtLatency", () => {
    expect(fmtLatency(null)).toBe("—");
    expect(fmtLatency(640.4)).toBe("640ms");
    expect(fmtLatency(1234)).toBe("1.2s");
    expect(fmtLatency(25_000)).toBe("25s");
  });
  test("fmtCount", () => {
    expect(fmtCount(999)).toBe("999");
    expect(fmtCount(1234)).toBe("1.2k");
    expect(fmtCount(45_000)).toBe("45k");
    expect(fmtCount(2_500_000)).toBe("2.5M");
  });
  test("fmtPct clamps", () => {
    expect(fmtPct(112)).toBe("100%");
    expect(fmtPct(-3)).toBe("0%");
    expect(fmtPct(Number.NaN)).toBe("0%");
  });
  test("truncate keeps width", () => {
    expect(truncate("hello world", 5)).toBe("hell…");
    expect(truncate("hi", 5)).toBe("hi");
  });
});

describe("barParts", () => {
  const uni = makeTheme().g;
  const asc = makeTheme({ ascii: true }).g;
  const width = (p: { filled: string; track: string }) => Bun.stringWidth(p.filled + p.track);
  test("always exactly the requested width", () => {
    for (const pct of [0, 1, 12.5, 33, 50, 66.6, 99, 100, 140]) {
      expect(width(barParts(pct, 10, uni))).toBe(10);
      expect(width(barParts(pct, 7, asc))).toBe(7);
    }
  });
  test("uses eighths in Unicode", () => {
    expect(barParts(55, 4, uni)).toEqual({ filled: "██▎", track: "░" }); // 2.2 cells = 2 + 2/8
  });
  test("rounds whole cells in ASCII", () => {
    expect(barParts(55, 4, asc)).toEqual({ filled: "##", track: ".." });
    expect(barParts(100, 4, asc)).toEqual({ filled: "####", track: "" });
    expect(barParts(0, 4, asc)).toEqual({ filled: "", track: "...." });
  });
});

test("sparkline maps 0..100 to the glyph ramp", () => {
  const g = makeTheme().g;
  expect(sparkline([0, 50, 100], 10, g)).toBe("▁▅█");
  expect(sparkline([0, 10, 20, 30], 2, g)).toBe("▂▃");
});

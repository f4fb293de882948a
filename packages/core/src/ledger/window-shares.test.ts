import { describe, expect, test } from "bun:test";
import type { StoredWindow } from "@prodex/store";
import type { LedgerEntry } from "./ledger-totals.ts";
import { periodStart, poolRoom, windowShares } from "./window-shares.ts";

const H = 3_600_000;
const now = Date.UTC(2026, 11, 7, 12);
const w = (
  label: "5h" | "weekly",
  usedPercent: number,
  resetInMs: number | null,
  windowSeconds: number | null = label === "5h" ? 18_000 : 604_800,
): StoredWindow => ({
  label,
  usedPercent,
  windowSeconds,
  resetAt: resetInMs === null ? null : now + resetInMs,
  limit: "codex",
});
const row = (caller: string, profile: string, agoMs: number, input: number, output: number): LedgerEntry => ({
  at: now - agoMs,
  caller,
  profile,
  client: "codex",
  model: "gpt-5",
  inputTokens: input,
  cachedTokens: 0,
  outputTokens: output,
  reasoningTokens: 0,
  status: 200,
  outcome: "completed",
  rotations: 0,
  ttfbMs: 1,
  durationMs: 2,
});

describe("window shares", () => {
  test.each([
    ["reset and length known", w("5h", 10, 2 * H), now - 3 * H],
    ["no reset: the length back from now", w("5h", 10, null), now - 5 * H],
    ["no length: 5 hours", w("5h", 10, H, null), now - 4 * H],
    ["weekly, no length: 7 days", w("weekly", 10, 24 * H, null), now - 6 * 24 * H],
  ] as const)("period start: %s", (_name, window, start) => {
    expect(periodStart(window, window.label as "5h" | "weekly", now)).toBe(start);
  });

  test("a key's share is its part of the tokens since the period began, times how full the window is", () => {
    const rows = [
      row("alice", "a1", H, 500, 100), // in the 5h period (began 3 h ago) and the week
      row("bob", "a1", 2 * H, 150, 50), // in both
      row("bob", "a1", 4 * H, 1_000, 0), // before the 5h period, in the week
      row("carol", "a2", H, 10, 10), // another account
    ];
    const shares = windowShares(rows, [{ name: "a1", windows: [w("5h", 40, 2 * H), w("weekly", 20, 48 * H)] }], now);
    const fiveH = shares.find((s) => s.window === "5h");
    expect(fiveH?.keys.map((k) => [k.key, k.tokens, k.share, k.usedPercent])).toEqual([
      ["alice", 600, 0.75, 30],
      ["bob", 200, 0.25, 10],
    ]);
    const weekly = shares.find((s) => s.window === "weekly");
    expect(weekly?.keys.map((k) => [k.key, k.tokens])).toEqual([
      ["bob", 1_200],
      ["alice", 600],
    ]);
    expect(weekly?.keys.reduce((n, k) => n + k.usedPercent, 0)).toBeCloseTo(20);
  });

  test("no tokens in the period: requests stand in; no window reported: no row", () => {
    const shares = windowShares(
      [row("x", "a1", H, 0, 0), row("y", "a1", H, 0, 0)],
      [{ name: "a1", windows: [w("5h", 10, H)] }],
      now,
    );
    expect(shares.map((s) => [s.window, s.keys.map((k) => k.usedPercent)])).toEqual([["5h", [5, 5]]]);
  });

  test("the pool's room: the mean percent left per window", () => {
    expect(
      poolRoom([
        { name: "a", windows: [w("5h", 30, H), w("weekly", 90, H)] },
        { name: "b", windows: [w("5h", 70, H)] },
      ]),
    ).toEqual({ "5h": 50, weekly: 10 });
    expect(poolRoom([])).toEqual({ "5h": null, weekly: null });
  });
});

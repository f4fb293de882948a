import { describe, expect, test } from "bun:test";
import type { UsageWindow } from "@prodex/core";
import { type PoolProfile, type Snapshot, burnRate, poolCounts, poolRunsOut, poolWindow } from "./pool-summary.ts";

const H = 3_600_000;
const NOW = 1_800_000_000_000;

function win(label: "5h" | "weekly", used: number, resetAt: number | null = NOW + 2 * H): UsageWindow {
  return { label, usedPercent: used, windowSeconds: label === "5h" ? 18_000 : 604_800, resetAt, limit: "codex" };
}
const snap = (hoursAgo: number, fiveH: number, weekly = 10, resetAt: number | null = NOW + 2 * H): Snapshot => ({
  fetchedAt: NOW - hoursAgo * H,
  windows: [win("5h", fiveH, resetAt), win("weekly", weekly, NOW + 72 * H)],
});
const profile = (name: string, latest: Snapshot | null, history: Snapshot[] = [], usable = true): PoolProfile => ({
  name,
  usable,
  latest,
  history,
});

describe("burnRate", () => {
  test.each<[string, Snapshot[][], number | null]>([
    ["no history", [], null],
    ["one snapshot", [[snap(1, 20)]], null],
    ["span under ten minutes", [[snap(0.1, 20), snap(0.05, 30)]], null],
    ["20 points in 2 h, measured to now", [[snap(2, 20), snap(1, 30), snap(0.5, 40)]], 10],
    [
      "two profiles add up",
      [
        [snap(2, 20), snap(1, 40)],
        [snap(2, 50), snap(1, 70)],
      ],
      20,
    ],
    ["unsorted input is sorted", [[snap(1, 40), snap(2, 20)]], 10],
    ["a small drop before the reset is noise, not negative work", [[snap(2, 30), snap(1, 29.5), snap(0.5, 35)]], 2.75],
    ["older than the lookback is ignored", [[snap(9, 0), snap(8, 90), snap(2, 20), snap(1, 30)]], 5],
  ])("%s", (_, histories, expected) => {
    const rate = burnRate(histories, "5h", NOW);
    if (expected === null) expect(rate).toBeNull();
    else expect(rate).toBeCloseTo(expected, 5);
  });

  test("a reset between two readings counts the new window's use", () => {
    // 80% at -3h with a reset at -2h; then 10% at -1h: 10 points used since the reset.
    const history = [snap(3, 80, 10, NOW - 2 * H), snap(1, 10, 10, NOW + 3 * H)];
    expect(burnRate([history], "5h", NOW)).toBeCloseTo(10 / 3, 5);
  });
});

describe("poolWindow", () => {
  test("sums remaining over serving profiles; needs-login and unknown ones do not count", () => {
    const w = poolWindow(
      [profile("a", snap(0, 20)), profile("b", snap(0, 90)), profile("c", snap(0, 0), [], false), profile("d", null)],
      "5h",
      NOW,
    );
    expect(w).toMatchObject({
      label: "5h",
      profiles: 2,
      remainingPercent: 90,
      capacityPercent: 200,
      averageRemainingPercent: 45,
      burnPercentPerHour: null,
      runsOutAt: null,
    });
    expect(w.nextResetAt).toBe(NOW + 2 * H);
  });

  test("a window whose reset passed counts as fresh", () => {
    expect(poolWindow([profile("a", snap(0, 100, 10, NOW - 1))], "5h", NOW).remainingPercent).toBe(100);
  });

  test("runs out at remaining / rate", () => {
    const a = profile("a", snap(0, 60), [snap(2, 40), snap(0, 60)]);
    const w = poolWindow([a], "5h", NOW);
    expect(w.burnPercentPerHour).toBe(10);
    expect(w.runsOutAt).toBe(NOW + 4 * H);
  });

  test("no profiles: nothing to average", () => {
    expect(poolWindow([], "weekly", NOW)).toMatchObject({
      profiles: 0,
      remainingPercent: 0,
      averageRemainingPercent: null,
      runsOutAt: null,
      nextResetAt: null,
    });
  });
});

test("poolCounts and poolRunsOut", () => {
  const states = ["ready", "quota", "needs-login", "ready", "resting", "paused"] as const;
  const counts = poolCounts(states.map((state) => ({ account: { state } })));
  expect(counts).toEqual({ profiles: 6, ready: 2, exhausted: 1, resting: 1, paused: 1, needsLogin: 1 });
  const base = {
    label: "5h" as const,
    profiles: 1,
    remainingPercent: 1,
    capacityPercent: 100,
    averageRemainingPercent: 1,
    burnPercentPerHour: 1,
    nextResetAt: null,
  };
  expect(
    poolRunsOut([
      { ...base, runsOutAt: 5 },
      { ...base, runsOutAt: 3 },
    ]),
  ).toBe(3);
  expect(poolRunsOut([{ ...base, runsOutAt: null }])).toBeNull();
});

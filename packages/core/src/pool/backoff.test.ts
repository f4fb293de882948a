import { describe, expect, test } from "bun:test";
import { type RestHistory, type RestInput, nextStreak, restMs, restUntil } from "./backoff.ts";

const NOW = 1_800_000_000_000;

describe("nextStreak", () => {
  test.each([
    ["no history: a fresh streak", null, 1],
    ["still resting: the streak grows", { streak: 3, until: NOW + 1_000 }, 4],
    ["rest ended under a minute ago: the streak grows", { streak: 2, until: NOW - 59_999 }, 3],
    ["rest ended a minute ago: a fresh streak", { streak: 7, until: NOW - 60_000 }, 1],
  ] as [string, RestHistory | null, number][])("%s", (_, last, expected) => {
    expect(nextStreak(last, NOW)).toBe(expected);
  });
});

describe("restMs grows past its second step, to its cap", () => {
  test.each([
    ["transient", 1, 2_000],
    ["transient", 2, 4_000],
    ["transient", 3, 8_000],
    ["transient", 8, 256_000],
    ["transient", 9, 300_000],
    ["transient", 1_000, 300_000],
    ["overload", 1, 5_000],
    ["overload", 4, 40_000],
    ["overload", 7, 300_000],
    ["auth", 1, 30_000],
    ["auth", 2, 60_000],
    ["auth", 5, 480_000],
    ["auth", 6, 600_000],
  ] as const)("%s #%d → %d ms", (kind, streak, expected) => {
    expect(restMs(kind, streak)).toBe(expected);
  });
});

describe("restUntil", () => {
  const cases: [string, RestInput, number][] = [
    [
      "Retry-After wins over the schedule",
      { kind: "transient", upstreamUntil: NOW + 7_000, streak: 5, now: NOW },
      NOW + 7_000,
    ],
    [
      "a Retry-After in the past is ignored",
      { kind: "overload", upstreamUntil: NOW - 1, streak: 2, now: NOW },
      NOW + 10_000,
    ],
    [
      "a token that would not refresh: 30 s, not 10 min",
      { kind: "auth", upstreamUntil: null, streak: 1, now: NOW },
      NOW + 30_000,
    ],
    [
      "quota: the upstream's reset",
      { kind: "quota", upstreamUntil: NOW + 3_600_000, streak: 1, now: NOW, windowsReset: NOW + 60_000 },
      NOW + 3_600_000,
    ],
    [
      "quota: else the windows' reset",
      { kind: "quota", upstreamUntil: null, streak: 1, now: NOW, windowsReset: NOW + 60_000 },
      NOW + 60_000,
    ],
    ["quota: else 15 minutes", { kind: "quota", upstreamUntil: null, streak: 4, now: NOW }, NOW + 900_000],
  ];
  test.each(cases)("%s", (_, input, expected) => {
    expect(restUntil(input)).toBe(expected);
  });
});

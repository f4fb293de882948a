import { describe, expect, test } from "bun:test";
import type { UsageWindow } from "../quota/types.ts";
import { type Candidate, UNKNOWN_PRESSURE, pressure, select } from "./selection.ts";

const NOW = 1_800_000_000_000;
const H = 3_600_000;

function w(label: "5h" | "weekly", used: number, resetInH: number | null): UsageWindow {
  return {
    label,
    usedPercent: used,
    windowSeconds: label === "5h" ? 18_000 : 604_800,
    resetAt: resetInH === null ? null : NOW + resetInH * H,
    limit: "codex",
  };
}
function c(name: string, windows: UsageWindow[], extra: Partial<Candidate> = {}): Candidate {
  return { name, windows, usable: true, backoffUntil: null, lastSelectedAt: null, ...extra };
}

describe("pressure", () => {
  test.each([
    ["unknown windows are neutral", [], UNKNOWN_PRESSURE],
    ["fresh 5h, half-way", [w("5h", 0, 2.5)], 0.5],
    ["half-used 5h, half-way", [w("5h", 50, 2.5)], 1],
    ["weekly weighs double", [w("weekly", 50, 84)], 2],
    ["a window past its reset counts as fresh", [w("5h", 100, -1)], 0.5],
  ] as const)("%s", (_, windows, expected) => {
    expect(pressure([...windows], NOW)).toBeCloseTo(expected, 5);
  });
});

describe("select", () => {
  const cases: {
    name: string;
    candidates: Candidate[];
    current?: string;
    pinned?: string;
    exclude?: string[];
    choice: string | null;
    reason: RegExp;
  }[] = [
    {
      name: "skips exhausted profiles",
      candidates: [c("a", [w("5h", 100, 1)]), c("b", [w("5h", 40, 1)])],
      choice: "b",
      reason: /picked b.*skipped a \(usage limit reached\)/,
    },
    {
      name: "skips profiles that need login",
      candidates: [c("a", [w("5h", 0, 1)], { usable: false }), c("b", [w("5h", 60, 1)])],
      choice: "b",
      reason: /skipped a \(needs login\)/,
    },
    {
      name: "skips backed-off profiles until the backoff ends",
      candidates: [
        c("a", [w("5h", 0, 1)], { backoffUntil: NOW + 1000, backoffReason: "transient" }),
        c("b", [w("5h", 60, 1)]),
      ],
      choice: "b",
      reason: /skipped a \(resting \(rate limited or briefly failing\)\)/,
    },
    {
      name: "an expired backoff no longer blocks",
      candidates: [c("a", [w("5h", 0, 1)], { backoffUntil: NOW - 1 }), c("b", [w("5h", 60, 1)])],
      choice: "a",
      reason: /picked a/,
    },
    {
      name: "prefers the lowest pressure",
      candidates: [c("a", [w("5h", 70, 4), w("weekly", 50, 100)]), c("b", [w("5h", 10, 4), w("weekly", 20, 100)])],
      choice: "b",
      reason: /picked b/,
    },
    {
      name: "weekly pressure outweighs 5h pressure",
      candidates: [c("a", [w("5h", 60, 4), w("weekly", 10, 100)]), c("b", [w("5h", 10, 4), w("weekly", 80, 100)])],
      choice: "a",
      reason: /picked a/,
    },
    {
      name: "keeps the current profile within the margin",
      candidates: [c("a", [w("5h", 20, 2.5)]), c("b", [w("5h", 15, 2.5)])],
      current: "a",
      choice: "a",
      reason: /kept a: within 20% of best b/,
    },
    {
      name: "leaves the current profile when clearly worse",
      candidates: [c("a", [w("5h", 80, 2.5)]), c("b", [w("5h", 15, 2.5)])],
      current: "a",
      choice: "b",
      reason: /picked b instead of a/,
    },
    {
      name: "among equals picks the least recently selected",
      candidates: [
        c("a", [w("5h", 20, 2.5)], { lastSelectedAt: NOW - 10 }),
        c("b", [w("5h", 20, 2.5)], { lastSelectedAt: NOW - 1000 }),
      ],
      choice: "b",
      reason: /least recently used/,
    },
    {
      name: "never-selected beats recently selected among equals",
      candidates: [c("a", [w("5h", 20, 2.5)], { lastSelectedAt: NOW - 10 }), c("b", [w("5h", 20, 2.5)])],
      choice: "b",
      reason: /picked b/,
    },
    {
      name: "unknown quota is usable but ranks after a healthy known profile",
      candidates: [c("a", []), c("b", [w("5h", 10, 2.5), w("weekly", 10, 84)])],
      choice: "b",
      reason: /picked b/,
    },
    {
      name: "pinned wins when it can serve",
      candidates: [c("a", [w("5h", 80, 2.5)]), c("b", [w("5h", 10, 2.5)])],
      pinned: "a",
      choice: "a",
      reason: /pinned a/,
    },
    {
      name: "pinned but exhausted falls back to the policy",
      candidates: [c("a", [w("5h", 100, 2.5)]), c("b", [w("5h", 10, 2.5)])],
      pinned: "a",
      choice: "b",
      reason: /picked b/,
    },
    {
      name: "excluded (already tried) profiles are skipped",
      candidates: [c("a", [w("5h", 0, 2.5)]), c("b", [w("5h", 50, 2.5)])],
      exclude: ["a"],
      choice: "b",
      reason: /skipped a \(already tried\)/,
    },
    {
      name: "nothing ready",
      candidates: [c("a", [w("5h", 100, 2)]), c("b", [w("weekly", 100, 30)])],
      choice: null,
      reason: /no profile can serve; skipped a \(usage limit reached\), b \(usage limit reached\)/,
    },
    { name: "no profiles", candidates: [], choice: null, reason: /no profiles configured/ },
    {
      name: "an unhealthy profile ranks behind a healthy equal",
      candidates: [c("a", [w("5h", 20, 2.5)], { health: 0.4 }), c("b", [w("5h", 30, 2.5)])],
      choice: "b",
      reason: /picked b/,
    },
  ];

  test.each(cases)("$name", ({ candidates, current, pinned, exclude, choice, reason }) => {
    const s = select({
      candidates,
      current: current ?? null,
      pinned: pinned ?? null,
      exclude: exclude ? new Set(exclude) : undefined,
      now: NOW,
    });
    expect(s.choice).toBe(choice);
    expect(s.reason).toMatch(reason);
  });

  test("nothing ready reports the earliest reset", () => {
    const s = select({ candidates: [c("a", [w("5h", 100, 2)]), c("b", [w("5h", 100, 1)])], current: null, now: NOW });
    expect(s.choice).toBeNull();
    if (s.choice === null) expect(s.earliestReset).toBe(NOW + H);
  });
});

import { expect, test } from "bun:test";
import type { UsageWindow } from "@prodex/core";
import type { UsageState } from "../pool/pool-runtime.ts";
import { pausedOf, remainingOf, restingOf } from "./scrape-gauges.ts";

const NOW = 1_000_000;
const w = (label: UsageWindow["label"], usedPercent: number, over: Partial<UsageWindow> = {}): UsageWindow => ({
  label,
  usedPercent,
  windowSeconds: null,
  resetAt: null,
  limit: "codex",
  ...over,
});
const state = (
  name: string,
  windows: UsageWindow[],
  availability: UsageState["availability"] = { ok: true },
  paused = false,
): UsageState => ({ name, windows, availability, paused });

test.each([
  ["no windows yet: no series", [state("a", [])], []],
  [
    "percent left per window",
    [state("a", [w("5h", 30), w("weekly", 90)])],
    [
      ["a", "5h", "codex", 70],
      ["a", "weekly", "codex", 10],
    ],
  ],
  [
    "a reset that passed counts as full",
    [state("a", [w("5h", 100, { resetAt: NOW - 1 })])],
    [["a", "5h", "codex", 100]],
  ],
  ["over 100 % used is 0 left", [state("a", [w("5h", 120)])], [["a", "5h", "codex", 0]]],
  [
    "another limit is its own series",
    [state("a", [w("5h", 10), w("5h", 50, { limit: "gpt-5-pro" })])],
    [
      ["a", "5h", "codex", 90],
      ["a", "5h", "gpt-5-pro", 50],
    ],
  ],
  [
    "the same label set twice keeps the first",
    [state("a", [w("other", 10), w("other", 50)])],
    [["a", "other", "codex", 90]],
  ],
] as const)("remainingOf: %s", (_name, states, want) => {
  expect(
    remainingOf(states as unknown as UsageState[], NOW).map((r) => [r.profile, r.window, r.limit, r.percent]),
  ).toEqual(want as unknown as [string, string, string, number][]);
});

test("restingOf counts accounts out of quota or resting, not ones needing a login", () => {
  const states: UsageState[] = [
    state("a", []),
    state("b", [], { ok: false, why: "quota", until: null }),
    state("c", [], { ok: false, why: "resting", kind: "transient", until: NOW + 1 }),
    state("d", [], { ok: false, why: "needs-login", until: null }),
  ];
  expect(restingOf(states)).toBe(2);
});

test.each([
  ["none paused", [state("a", []), state("b", [])], 0],
  [
    "one paused (availability says so)",
    [state("a", [], { ok: false, why: "paused", by: "ann", at: 1, until: null }, true)],
    1,
  ],
  // Availability names the usage limit first; the gauge still counts the operator's pause.
  ["paused and out of quota", [state("a", [], { ok: false, why: "quota", until: null }, true), state("b", [])], 1],
  [
    "paused and needing a login, and paused alone",
    [state("a", [], { ok: false, why: "needs-login", until: null }, true), state("b", [], { ok: true }, true)],
    2,
  ],
] as const)("pausedOf: %s", (_name, states, want) => {
  expect(pausedOf(states as unknown as UsageState[])).toBe(want);
});

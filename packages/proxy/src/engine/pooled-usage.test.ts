import { describe, expect, test } from "bun:test";
import type { Availability, UsageWindow } from "@prodex/core";
import type { UsageState } from "../pool/pool-runtime.ts";
import { pickPooled } from "./pooled-usage.ts";

const now = 1_800_000_000_000;
const win = (usedPercent: number, resetInMin: number): UsageWindow => ({
  label: "5h",
  usedPercent,
  windowSeconds: 18_000,
  resetAt: now + resetInMin * 60_000,
  limit: "codex",
});
const week = (usedPercent: number): UsageWindow => ({
  label: "weekly",
  usedPercent,
  windowSeconds: 604_800,
  resetAt: now + 3 * 86_400_000,
  limit: "codex",
});
const state = (name: string, windows: UsageWindow[], availability: Availability = { ok: true }): UsageState => ({
  name,
  windows,
  availability,
  paused: false,
});
const loggedOut: Availability = { ok: false, why: "needs-login", until: null };
const resting = (until: number): Availability => ({ ok: false, why: "resting", kind: "transient", until });
const atLimit = (until: number | null): Availability => ({ ok: false, why: "quota", until });

describe("pickPooled (the pool's windows, as one account)", () => {
  const cases: [string, UsageState[], { profile: string | null; exhausted: boolean }][] = [
    [
      "the most headroom among ready profiles",
      [state("a", [win(80, 60)]), state("b", [win(10, 60)]), state("c", [win(50, 60)])],
      { profile: "b", exhausted: false },
    ],
    // Selection may serve from a, which resets in 15 minutes; Codex must still see the pool's room, not a warning.
    [
      "a nearly spent account that resets soon is not the pool's face",
      [state("a", [win(70, 15)]), state("b", [win(35, 180)]), state("c", [win(10, 270)])],
      { profile: "c", exhausted: false },
    ],
    [
      "the tightest window decides",
      [state("a", [win(10, 60), week(90)]), state("b", [win(40, 60), week(40)])],
      { profile: "b", exhausted: false },
    ],
    [
      "known windows win over unknown ones",
      [state("a", []), state("b", [win(95, 60)])],
      { profile: "b", exhausted: false },
    ],
    [
      "only unknown windows: the first ready profile",
      [state("a", [], loggedOut), state("b", []), state("c", [])],
      { profile: "b", exhausted: false },
    ],
    ["the first of equals", [state("a", [win(10, 60)]), state("b", [win(10, 60)])], { profile: "a", exhausted: false }],
    [
      "backed off, exhausted and logged-out profiles are not ready",
      [
        state("a", [win(1, 60)], resting(now + 1000)),
        state("b", [win(1, 60)], atLimit(null)),
        state("c", [win(1, 60)], loggedOut),
        state("d", [win(90, 60)]),
      ],
      { profile: "d", exhausted: false },
    ],
    [
      "none ready: the logged-in profile that resets first",
      [
        state("a", [win(100, 90)], atLimit(now + 90 * 60_000)),
        state("b", [win(100, 200)], atLimit(now + 10 * 60_000)),
        state("c", [win(100, 5)], loggedOut),
      ],
      { profile: "b", exhausted: true },
    ],
    ["nobody logged in", [state("a", [], loggedOut)], { profile: null, exhausted: true }],
    ["an empty pool", [], { profile: null, exhausted: true }],
  ];
  test.each(cases)("%s", (_, states, want) => {
    const got = pickPooled(states, now);
    expect({ profile: got.profile, exhausted: got.exhausted }).toEqual(want);
    expect(got.windows).toEqual(states.find((s) => s.name === want.profile)?.windows ?? []);
  });
});

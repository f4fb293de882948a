import { describe, expect, test } from "bun:test";
import type { UsageWindow } from "../quota/types.ts";
import {
  type Availability,
  type AvailabilityInput,
  availability,
  describeAvailability,
  isBriefRest,
  unavailableWhy,
  viewAvailability,
} from "./availability.ts";

const NOW = 1_800_000_000_000;
const full = (resetIn: number | null): UsageWindow => ({
  label: "5h",
  usedPercent: 100,
  windowSeconds: 18_000,
  resetAt: resetIn === null ? null : NOW + resetIn,
  limit: "codex",
});
const half: UsageWindow = {
  label: "5h",
  usedPercent: 50,
  windowSeconds: 18_000,
  resetAt: NOW + 3_600_000,
  limit: "codex",
};
const a = (extra: Partial<AvailabilityInput> = {}): AvailabilityInput => ({
  usable: true,
  windows: [half],
  backoffUntil: null,
  backoffReason: null,
  ...extra,
});

describe("availability", () => {
  const cases: [string, AvailabilityInput | undefined, Availability][] = [
    ["ready", a(), { ok: true }],
    ["not in the pool", undefined, { ok: false, why: "unknown", until: null }],
    [
      "no login outranks everything",
      a({ usable: false, backoffUntil: NOW + 5_000, backoffReason: "quota" }),
      { ok: false, why: "needs-login", until: null },
    ],
    [
      "a quota rest is the upstream's word, whatever the windows say",
      a({ backoffUntil: NOW + 60_000, backoffReason: "quota" }),
      { ok: false, why: "quota", until: NOW + 60_000 },
    ],
    [
      "full windows: quota until they reset",
      a({ windows: [full(120_000)] }),
      { ok: false, why: "quota", until: NOW + 120_000 },
    ],
    [
      "full windows with no reset known, resting: until the rest",
      a({ windows: [full(null)], backoffUntil: NOW + 9_000, backoffReason: "transient" }),
      { ok: false, why: "quota", until: NOW + 9_000 },
    ],
    ["full windows, no reset known", a({ windows: [full(null)] }), { ok: false, why: "quota", until: null }],
    [
      "rate limited",
      a({ backoffUntil: NOW + 2_000, backoffReason: "transient" }),
      { ok: false, why: "resting", kind: "transient", until: NOW + 2_000 },
    ],
    [
      "overloaded",
      a({ backoffUntil: NOW + 5_000, backoffReason: "overload" }),
      { ok: false, why: "resting", kind: "overload", until: NOW + 5_000 },
    ],
    [
      "token refresh failed",
      a({ backoffUntil: NOW + 30_000, backoffReason: "auth" }),
      { ok: false, why: "resting", kind: "auth", until: NOW + 30_000 },
    ],
    ["a rest that ended is no rest", a({ backoffUntil: NOW, backoffReason: "transient" }), { ok: true }],
    [
      "a quota rest that ended, windows fine: ready",
      a({ backoffUntil: NOW - 1, backoffReason: "quota" }),
      { ok: true },
    ],
    [
      "paused by its operator: until resumed, by whom and since when",
      a({ paused: { by: "key ann", at: NOW - 60_000 } }),
      { ok: false, why: "paused", by: "key ann", at: NOW - 60_000, until: null },
    ],
    [
      "paused outranks a rest (what the operator decided is what it says)",
      a({ paused: { by: null, at: NOW }, backoffUntil: NOW + 2_000, backoffReason: "transient" }),
      { ok: false, why: "paused", by: null, at: NOW, until: null },
    ],
    [
      "a usage limit outranks a pause (it could not serve anyway)",
      a({ paused: { by: null, at: NOW }, windows: [full(120_000)] }),
      { ok: false, why: "quota", until: NOW + 120_000 },
    ],
    [
      "no login outranks a pause",
      a({ paused: { by: null, at: NOW }, usable: false }),
      { ok: false, why: "needs-login", until: null },
    ],
    ["resumed (null): ready", a({ paused: null }), { ok: true }],
  ];
  test.each(cases)("%s", (_, input, expected) => {
    expect(availability(input, NOW)).toEqual(expected);
  });
});

describe("unavailableWhy", () => {
  test.each([
    [{ ok: false, why: "needs-login", until: null }, "needs login"],
    [{ ok: false, why: "paused", by: "key ann", at: NOW, until: null }, "paused by key ann"],
    [{ ok: false, why: "paused", by: null, at: NOW, until: null }, "paused"],
    [{ ok: false, why: "quota", until: null }, "usage limit reached"],
    [{ ok: false, why: "resting", kind: "transient", until: NOW }, "resting (rate limited or briefly failing)"],
    [{ ok: false, why: "resting", kind: "overload", until: NOW }, "resting (upstream overloaded)"],
    [{ ok: false, why: "resting", kind: "auth", until: NOW }, "resting (token refresh failed)"],
    [{ ok: false, why: "unknown", until: null }, "not in the pool"],
  ] as const)("%j → %s", (input, expected) => {
    expect(unavailableWhy(input)).toBe(expected);
  });
});

describe("isBriefRest", () => {
  test.each([
    ["a rate limit back within the wait", { ok: false, why: "resting", kind: "transient", until: NOW + 10_000 }, true],
    ["a rate limit back later", { ok: false, why: "resting", kind: "transient", until: NOW + 10_001 }, false],
    ["an overload is not waited for", { ok: false, why: "resting", kind: "overload", until: NOW + 1_000 }, false],
    ["a usage limit reset moments away", { ok: false, why: "quota", until: NOW + 1_000 }, true],
    ["a usage limit with no known reset", { ok: false, why: "quota", until: null }, false],
    [
      "a token that would not refresh is not waited for",
      { ok: false, why: "resting", kind: "auth", until: NOW + 1_000 },
      false,
    ],
    ["ready is no rest", { ok: true }, false],
  ] as [string, Availability, boolean][])("%s", (_, input, expected) => {
    expect(isBriefRest(input, NOW, 10_000)).toBe(expected);
  });
});

describe("describeAvailability (errors and the snapshot's words)", () => {
  const when = (at: number) => `t+${(at - NOW) / 1000}s`;
  test.each([
    [{ ok: true }, "ready"],
    [{ ok: false, why: "quota", until: NOW + 60_000 }, "usage limit reached until t+60s"],
    [{ ok: false, why: "quota", until: null }, "usage limit reached"],
    [{ ok: false, why: "resting", kind: "overload", until: NOW + 5_000 }, "resting (upstream overloaded) until t+5s"],
    [{ ok: false, why: "needs-login", until: null }, "needs login"],
  ] as [Availability, string][])("%j → %s", (a, expected) => {
    expect(describeAvailability(a, when)).toBe(expected);
  });

  test("a snapshot's profile reads the same as the pool's", () => {
    const view = { needsLogin: false, windows: [half], backoff: { reason: "quota", until: NOW + 60_000 } };
    expect(viewAvailability(view, NOW)).toEqual(
      availability(a({ backoffUntil: NOW + 60_000, backoffReason: "quota" }), NOW),
    );
    expect(viewAvailability({ ...view, needsLogin: true }, NOW).ok).toBe(false);
  });
});

import { describe, expect, test } from "bun:test";
import type { PoolSnapshot } from "@prodex/core";
import { profileView } from "@prodex/testkit/profile-view";
import { withPoolCounters } from "./pool-counters.ts";

const snap: PoolSnapshot = {
  at: 1,
  current: "a",
  pinned: null,
  autoRotate: true,
  profiles: [profileView("a", { requests: 3, errors: 1, latencyMs: 120 }), profileView("b")],
};

describe("withPoolCounters", () => {
  const cases: [string, Parameters<typeof withPoolCounters>[1], [number, number, number | null][]][] = [
    [
      "no ledger reading yet: the instance's own",
      null,
      [
        [3, 1, 120],
        [0, 0, null],
      ],
    ],
    [
      "the ledger's, for every account; one it has no rows for is zero",
      [{ account: "b", requests: 40, errors: 2, medianTtfbMs: 310 }],
      [
        [0, 0, null],
        [40, 2, 310],
      ],
    ],
  ];
  for (const [name, counters, want] of cases)
    test(name, () => {
      const out = withPoolCounters(snap, counters);
      expect(out.profiles.map((p) => [p.requests, p.errors, p.latencyMs])).toEqual(want);
      expect({ ...out, profiles: [] }).toEqual({ ...snap, profiles: [] });
    });
});

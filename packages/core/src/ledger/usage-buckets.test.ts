import { describe, expect, test } from "bun:test";
import { ledgerRow } from "@prodex/testkit/ledger-row";
import { type LedgerEntry, ledgerGrandTotal, ledgerTotals } from "./ledger-totals.ts";
import { UsageWindows, minuteTotalOf } from "./usage-buckets.ts";
import { USAGE_PERIODS, USAGE_PERIOD_MS } from "./usage-summary.ts";

const M = 60_000;
const now = Date.UTC(2026, 11, 7, 12, 0, 30);
const entry = (patch: Partial<LedgerEntry>): LedgerEntry => ledgerRow({ at: now, ...patch });

/** The rows added at `at` (default: now), the windows then slid to now. */
const fill = (rows: LedgerEntry[], at = now): UsageWindows => {
  const w = new UsageWindows(at);
  for (const r of rows) w.add(minuteTotalOf(r));
  w.advance(now);
  return w;
};

describe("UsageWindows", () => {
  test.each([
    ["now", 0, [true, true, true]],
    ["59 minutes ago", 59 * M, [true, true, true]],
    ["61 minutes ago", 61 * M, [false, true, true]],
    ["23 hours ago", 23 * 60 * M, [false, true, true]],
    ["2 days ago", 2 * 1440 * M, [false, false, true]],
    ["8 days ago", 8 * 1440 * M, [false, false, false]],
  ] as const)("a request %s counts in 1h / 24h / 7d: %j", (_name, ago, inPeriods) => {
    const s = fill([entry({ at: now - ago })]).summary(now);
    expect(s.periods.map((p) => p.total.requests)).toEqual(inPeriods.map((x) => (x ? 1 : 0)));
  });

  test("the minute a period starts in counts whole: nothing recent is ever left out", () => {
    const edge = now - 60 * M - 20_000; // 20 s before the hour, in the minute the hour starts in
    expect(fill([entry({ at: edge })]).summary(now).periods[0]?.total.requests).toBe(1);
  });

  test("equals ledgerTotals over the same rows, per period, profile and model", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed % n;
    };
    const rows = Array.from({ length: 400 }, () =>
      entry({
        at: now - rnd(8 * 1440) * M - rnd(M),
        profile: ["alice", "bob", "carol"][rnd(3)],
        model: [null, "gpt-5", "gpt-5-codex"][rnd(3)] ?? null,
        inputTokens: rnd(5_000),
        cachedTokens: rnd(1_000),
        outputTokens: rnd(800),
        reasoningTokens: rnd(100),
        status: rnd(10) ? 200 : 429,
        outcome: rnd(12) ? "completed" : "incomplete",
        rotations: rnd(2),
      }),
    );
    // Added now; and added 9 days ago, then slid here 7 minutes at a time: the same sums either way.
    const slid = new UsageWindows(now - 9 * 1440 * M);
    for (const r of rows) slid.add(minuteTotalOf(r));
    for (let t = now - 9 * 1440 * M; t < now; t += 7 * M) slid.advance(t);
    slid.advance(now);
    for (const s of [fill(rows).summary(now), slid.summary(now)])
      for (const period of USAGE_PERIODS) {
        const from = now - USAGE_PERIOD_MS[period];
        const inPeriod = rows.filter((r) => (Math.floor(r.at / M) + 1) * M > from);
        const got = s.periods.find((p) => p.period === period);
        expect(got?.total).toEqual(ledgerGrandTotal(inPeriod));
        expect(got?.by.profile).toEqual(ledgerTotals(inPeriod, "profile"));
        expect(got?.by.model).toEqual(ledgerTotals(inPeriod, "model"));
      }
  });

  test("a group whose last request left the period leaves the lists", () => {
    const w = new UsageWindows(now - 2 * 60 * M);
    w.add(minuteTotalOf(entry({ at: now - 2 * 60 * M, profile: "old" })));
    expect(w.summary(now).periods[0]?.by.profile?.map((t) => t.group)).toEqual(["old"]);
    w.advance(now);
    w.add(minuteTotalOf(entry({ profile: "new" })));
    expect(w.summary(now).periods[0]?.by.profile?.map((t) => t.group)).toEqual(["new"]);
    expect(w.summary(now).periods[1]?.by.profile?.map((t) => t.group)).toEqual(["new", "old"]);
  });
});

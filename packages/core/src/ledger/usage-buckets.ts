// The usage ledger added up per minute, profile and model: what a dashboard's usage view is summed from.
// A store reads its past as such minute totals (one query, however many rows) and each new row joins its
// minute, so the view stays live without reading the ledger again; periods are summed from the buckets.
import type { LedgerMinuteTotal } from "@prodex/store";
import { type LedgerEntry, type LedgerTotal, byUse, isLedgerError, modelGroup, sumTotals } from "./ledger-totals.ts";
import { USAGE_PERIODS, USAGE_PERIOD_MS, type UsageSummary, type UsageTotal } from "./usage-summary.ts";

const MINUTE = 60_000;

export type MinuteBucket = { minute: number; profile: string; model: string; total: LedgerTotal };
export type UsageBuckets = Map<string, MinuteBucket>;

/** A ledger row as the minute total of one row. */
export function minuteTotalOf(row: LedgerEntry): LedgerMinuteTotal {
  return {
    minute: Math.floor(row.at / MINUTE),
    profile: row.profile,
    model: row.model,
    status: row.status,
    outcome: row.outcome,
    requests: 1,
    inputTokens: row.inputTokens,
    cachedTokens: row.cachedTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
    rotations: row.rotations,
  };
}

/** Adds a minute total (many rows, or one) into its bucket. */
export function addToBuckets(buckets: UsageBuckets, t: LedgerMinuteTotal): void {
  const model = modelGroup(t.model);
  const key = `${t.minute}\u0000${t.profile}\u0000${model}`;
  let b = buckets.get(key);
  if (!b) {
    b = { minute: t.minute, profile: t.profile, model, total: sumTotals([]) };
    buckets.set(key, b);
  }
  const sum = b.total;
  sum.requests += t.requests;
  if (isLedgerError(t)) sum.errors += t.requests;
  sum.inputTokens += t.inputTokens;
  sum.cachedTokens += t.cachedTokens;
  sum.outputTokens += t.outputTokens;
  sum.reasoningTokens += t.reasoningTokens;
  sum.totalTokens += t.inputTokens + t.outputTokens;
  sum.rotations += t.rotations;
}

/** Drops the buckets that ended before `before` (epoch ms). */
export function pruneBuckets(buckets: UsageBuckets, before: number): void {
  for (const [key, b] of buckets) if ((b.minute + 1) * MINUTE <= before) buckets.delete(key);
}

/** The start of the oldest period a summary covers: older rows are not read. */
export const oldestPeriodStart = (now: number): number => now - USAGE_PERIOD_MS["7d"];

function grouped(buckets: readonly MinuteBucket[], key: "profile" | "model"): UsageTotal[] {
  const parts = new Map<string, LedgerTotal[]>();
  for (const b of buckets) {
    const list = parts.get(b[key]);
    if (list) list.push(b.total);
    else parts.set(b[key], [b.total]);
  }
  return [...parts].map(([group, totals]) => sumTotals(totals, group)).sort(byUse);
}

/** Each period's totals per profile and model at `now`; a minute bucket counts when any of it is in the period. */
export function bucketSummary(buckets: UsageBuckets, now: number): UsageSummary {
  const all = [...buckets.values()];
  return {
    at: now,
    periods: USAGE_PERIODS.map((period) => {
      const from = now - USAGE_PERIOD_MS[period];
      const inPeriod = all.filter((b) => (b.minute + 1) * MINUTE > from);
      return {
        period,
        total: sumTotals(inPeriod.map((b) => b.total)),
        by: { profile: grouped(inPeriod, "profile"), model: grouped(inPeriod, "model") },
      };
    }),
  };
}

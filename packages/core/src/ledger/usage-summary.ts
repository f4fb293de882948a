// What a dashboard's usage view shows: the ledger's totals over the last hour, day and 7 days, per profile
// and model (or, from a team gateway, per key). Sent over a feed as one message, so it is validated where read.
import { z } from "zod";
import type { LedgerTotal } from "./ledger-totals.ts";

export const USAGE_PERIODS = ["1h", "24h", "7d"] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

export const USAGE_PERIOD_MS: Record<UsagePeriod, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
};

/** A total with, where known, the estimated points of its account's 5-hour and weekly windows it used. */
export type UsageTotal = LedgerTotal & { windows?: { "5h": number | null; weekly: number | null } };

export const USAGE_GROUPS = ["profile", "model", "key"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsagePeriodTotals = {
  period: UsagePeriod;
  total: LedgerTotal;
  /** Each grouping the source knows, biggest users first. */
  by: Partial<Record<UsageGroup, UsageTotal[]>>;
};

export type UsageSummary = {
  /** Epoch ms the totals were read at. */
  at: number;
  periods: UsagePeriodTotals[];
};

const count = z.number().int().nonnegative();

/** A ledger total's fields, for every schema that carries one (this message, `prodex usage --json`). */
export const ledgerTotalShape = {
  group: z.string(),
  requests: count,
  errors: count,
  inputTokens: count,
  cachedTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  totalTokens: count,
  rotations: count,
};

export const ledgerTotalSchema = z.object(ledgerTotalShape);

const usageTotalSchema = ledgerTotalSchema.extend({
  windows: z.object({ "5h": z.number().nullable(), weekly: z.number().nullable() }).optional(),
});

/** Validates a usage summary read from outside the process (a proxy's or gateway's feed). */
export const usageSummarySchema: z.ZodType<UsageSummary> = z.object({
  at: z.number(),
  periods: z.array(
    z.object({
      period: z.enum(USAGE_PERIODS),
      total: ledgerTotalSchema,
      by: z.object({
        profile: z.array(usageTotalSchema).optional(),
        model: z.array(usageTotalSchema).optional(),
        key: z.array(usageTotalSchema).optional(),
      }),
    }),
  ),
});

/** One period's totals from a summary, or null when the summary has none for it. */
export function periodTotals(summary: UsageSummary | null, period: UsagePeriod): UsagePeriodTotals | null {
  return summary?.periods.find((p) => p.period === period) ?? null;
}

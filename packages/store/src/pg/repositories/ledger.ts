import { type AnyColumn, and, asc, eq, gte, or, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { insertJsonRows } from "../json-rows.ts";
import { requestLedger } from "../schema.ts";

export type PgLedgerRow = typeof requestLedger.$inferSelect;

/** One key's requests and tokens (input + output) on one account over a period. */
export type LedgerSum = { caller: string; profile: string; requests: number; tokens: number };

/** A key's totals over a period, as core's LedgerTotal counts them (errors: status ≥ 400 or not completed). */
export type CallerTotal = {
  group: string;
  requests: number;
  errors: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  rotations: number;
};

/** An account's requests, failures and median time to first byte over a period (the team dashboard's counters). */
export type AccountCounters = { account: string; requests: number; errors: number; medianTtfbMs: number | null };

/** Rows that did not complete (an error status, or a stream that did not finish): core's isLedgerError, in SQL. */
const failed = sql`${requestLedger.status} >= 400 or ${requestLedger.outcome} <> 'completed'`;
const errorCount = sql<string>`count(*) filter (where ${failed})`;

/** The team's usage ledger. Keyed by request id: a batch written twice (a retried flush) is stored once. */
export class PgLedgerRepo {
  constructor(private readonly db: PgDb) {}

  async insertMany(rows: PgLedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(insertJsonRows(requestLedger, rows, sql`on conflict (request_id) do nothing`));
  }

  /** Rows from `since` on (epoch ms), oldest first; only `caller`'s when given (what a user key may see). */
  since(since: number, caller?: string): Promise<PgLedgerRow[]> {
    const when = gte(requestLedger.at, since);
    return this.db
      .select()
      .from(requestLedger)
      .where(caller === undefined ? when : and(when, eq(requestLedger.caller, caller)))
      .orderBy(asc(requestLedger.at));
  }

  /** Per key and account, each account's rows from its own `from` on (what a weekly share is estimated from). */
  async sumsSince(periods: readonly { account: string; from: number }[]): Promise<LedgerSum[]> {
    if (periods.length === 0) return [];
    const t = requestLedger;
    const rows = await this.db
      .select({
        caller: t.caller,
        profile: t.profile,
        requests: sql<string>`count(*)`,
        tokens: sql<string>`coalesce(sum(${t.inputTokens} + ${t.outputTokens}), 0)`,
      })
      .from(t)
      .where(or(...periods.map((p) => and(eq(t.profile, p.account), gte(t.at, p.from)))))
      .groupBy(t.caller, t.profile);
    // count and sum come back as text (bigint): a week's tokens stay well inside a double's exact range.
    return rows.map((r) => ({ ...r, requests: Number(r.requests), tokens: Number(r.tokens) }));
  }

  /** Totals per key from `since` on, added up by the database (a dashboard's top keys, without the rows). */
  async callerTotals(since: number): Promise<CallerTotal[]> {
    const t = requestLedger;
    const sum = (c: AnyColumn) => sql<string>`coalesce(sum(${c}), 0)`;
    const rows = await this.db
      .select({
        group: t.caller,
        requests: sql<string>`count(*)`,
        errors: errorCount,
        inputTokens: sum(t.inputTokens),
        cachedTokens: sum(t.cachedTokens),
        outputTokens: sum(t.outputTokens),
        reasoningTokens: sum(t.reasoningTokens),
        rotations: sql<string>`coalesce(sum(${t.rotations}), 0)`,
      })
      .from(t)
      .where(gte(t.at, since))
      .groupBy(t.caller);
    // count and sum come back as text (bigint): a week's tokens stay well inside a double's exact range.
    return rows.map((r) => {
      const n = {
        requests: Number(r.requests),
        errors: Number(r.errors),
        inputTokens: Number(r.inputTokens),
        cachedTokens: Number(r.cachedTokens),
        outputTokens: Number(r.outputTokens),
        reasoningTokens: Number(r.reasoningTokens),
        rotations: Number(r.rotations),
      };
      return { group: r.group, ...n, totalTokens: n.inputTokens + n.outputTokens };
    });
  }

  /** Per account from `since` on: requests, failures (as `callerTotals` counts them), median time to first byte. */
  async accountCounters(since: number): Promise<AccountCounters[]> {
    const t = requestLedger;
    const rows = await this.db
      .select({
        account: t.profile,
        requests: sql<string>`count(*)`,
        errors: errorCount,
        median: sql<string | null>`percentile_cont(0.5) within group (order by ${t.ttfbMs})`,
      })
      .from(t)
      .where(gte(t.at, since))
      .groupBy(t.profile);
    return rows.map((r) => ({
      account: r.account,
      requests: Number(r.requests),
      errors: Number(r.errors),
      medianTtfbMs: r.median === null ? null : Math.round(Number(r.median)),
    }));
  }
}

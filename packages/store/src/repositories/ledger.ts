import { and, asc, getTableColumns, gt, gte, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../db.ts";
import { requestLedger } from "../schema.ts";

export type LedgerRow = typeof requestLedger.$inferSelect;

/** A ledger row with its SQLite rowid: the order rows were stored in, whatever their `at`. */
export type LedgerRowWithId = LedgerRow & { rowid: number };

/** The rows of one minute, profile, model, status and outcome, added up. */
export type LedgerMinuteTotal = {
  minute: number;
  profile: string;
  model: string | null;
  status: number;
  outcome: string;
  requests: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  rotations: number;
};

/** Rows with `at` in [from, before) stored up to `upToRowid`; minutes before `hourlyBefore` added up per hour. */
export type LedgerSlice = { from: number; before?: number; hourlyBefore: number; upToRowid: number };

const rowid = sql<number>`rowid`;

/** The usage ledger (one row per request that reached an account). */
export class LedgerRepo {
  constructor(private readonly db: Db) {}

  /** Idempotent by request id: a row offered again (a retried batch) is stored once. */
  record(row: LedgerRow): void {
    this.db.insert(requestLedger).values(row).onConflictDoNothing({ target: requestLedger.requestId }).run();
  }

  /** Rows from `since` (epoch ms) on, oldest first. */
  since(since: number): LedgerRow[] {
    return this.db
      .select()
      .from(requestLedger)
      .where(gte(requestLedger.at, since))
      .orderBy(asc(requestLedger.at))
      .all();
  }

  /**
   * The rows from `since` on added up per minute (of `at`), profile, model, status and outcome — a bounded
   * summary, however many rows there are — and the last rowid they include, read in one snapshot: the rows
   * stored after it are `after(lastRowid)`'s. Rows before `hourlyBefore` are added up per hour instead (fewer
   * lines to read where a minute's precision is not needed), each hour placed at its last minute.
   */
  minuteTotals(since: number, hourlyBefore = since): { lastRowid: number; totals: LedgerMinuteTotal[] } {
    return this.db.transaction(
      () => {
        const upToRowid = this.lastRowid();
        return { lastRowid: upToRowid, totals: this.minuteTotalsIn({ from: since, hourlyBefore, upToRowid }) };
      },
      { behavior: "deferred" },
    );
  }

  /** The largest rowid stored (0 when none): a row stored later has a larger one (the ledger only grows). */
  lastRowid(): number {
    return this.db.select({ id: sql<number | null>`max(rowid)` }).from(requestLedger).get()?.id ?? 0;
  }

  /**
   * The `at` of the row `rows` rows on from `from` in `at` order (an index walk, no row read): where a slice of
   * about `rows` rows ends. Null when fewer are left.
   */
  atAfterRows(from: number, rows: number): number | null {
    const at = requestLedger.at;
    return (
      this.db.select({ at }).from(requestLedger).where(gte(at, from)).orderBy(asc(at)).limit(1).offset(rows).get()
        ?.at ?? null
    );
  }

  /**
   * `minuteTotals`' lines for one slice of the ledger: rows with `at` in [from, before) stored up to `upToRowid`.
   * Lines of slices add up to the lines of the whole (a line is a sum).
   */
  minuteTotalsIn(slice: LedgerSlice): LedgerMinuteTotal[] {
    const at = requestLedger.at;
    const hourEnd = sql`(${at} / 3600000) * 60 + 59`;
    const minute = sql<number>`case when ${at} >= ${slice.hourlyBefore} then ${at} / 60000 else ${hourEnd} end`;
    return this.db
      .select({
        minute,
        profile: requestLedger.profile,
        model: requestLedger.model,
        status: requestLedger.status,
        outcome: requestLedger.outcome,
        requests: sql<number>`count(*)`,
        inputTokens: sql<number>`sum(${requestLedger.inputTokens})`,
        cachedTokens: sql<number>`sum(${requestLedger.cachedTokens})`,
        outputTokens: sql<number>`sum(${requestLedger.outputTokens})`,
        reasoningTokens: sql<number>`sum(${requestLedger.reasoningTokens})`,
        rotations: sql<number>`sum(${requestLedger.rotations})`,
      })
      .from(requestLedger)
      .where(
        and(
          gte(at, slice.from),
          slice.before === undefined ? undefined : lt(at, slice.before),
          lte(rowid, slice.upToRowid),
        ),
      )
      .groupBy(sql`1`, requestLedger.profile, requestLedger.model, requestLedger.status, requestLedger.outcome)
      .all();
  }

  /** Up to `limit` rows stored after `lastRowid`, in the order they were stored. */
  after(lastRowid: number, limit = 1_000): LedgerRowWithId[] {
    return this.db
      .select({ rowid, ...getTableColumns(requestLedger) })
      .from(requestLedger)
      .where(gt(rowid, lastRowid))
      .orderBy(asc(rowid))
      .limit(limit)
      .all();
  }
}

import { asc, gte } from "drizzle-orm";
import type { Db } from "../db.ts";
import { requestLedger } from "../schema.ts";

export type LedgerRow = typeof requestLedger.$inferSelect;

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
}

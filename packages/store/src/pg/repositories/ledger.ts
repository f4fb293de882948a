import { and, asc, eq, gte } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { requestLedger } from "../schema.ts";

export type PgLedgerRow = typeof requestLedger.$inferSelect;

/** The team's usage ledger. Keyed by request id: a batch written twice (a retried flush) is stored once. */
export class PgLedgerRepo {
  constructor(private readonly db: PgDb) {}

  async insertMany(rows: PgLedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insert(requestLedger).values(rows).onConflictDoNothing({ target: requestLedger.requestId });
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
}

import { sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { usage } from "../schema.ts";

export type PgUsageRow = typeof usage.$inferSelect;

/** The newest usage snapshot per account (the gateway keeps no history: the events say what happened). */
export class PgUsageRepo {
  constructor(private readonly db: PgDb) {}

  async put(row: PgUsageRow): Promise<void> {
    await this.db
      .insert(usage)
      .values(row)
      .onConflictDoUpdate({
        target: usage.account,
        set: { fetchedAt: row.fetchedAt, source: row.source, plan: row.plan, windows: row.windows },
        // Instances share their readings in any order: an older one never replaces a newer one.
        setWhere: sql`excluded.fetched_at >= ${usage.fetchedAt}`,
      });
  }

  all(): Promise<PgUsageRow[]> {
    return this.db.select().from(usage);
  }
}

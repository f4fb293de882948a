import { eq, gt } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { backoffs } from "../schema.ts";

export type PgBackoffRow = typeof backoffs.$inferSelect;

export class PgBackoffsRepo {
  constructor(private readonly db: PgDb) {}

  async put(row: Omit<PgBackoffRow, "updatedAt">): Promise<void> {
    const values = { ...row, updatedAt: Date.now() };
    await this.db.insert(backoffs).values(values).onConflictDoUpdate({ target: backoffs.account, set: values });
  }

  async clear(account: string): Promise<void> {
    await this.db.delete(backoffs).where(eq(backoffs.account, account));
  }

  live(now = Date.now()): Promise<PgBackoffRow[]> {
    return this.db.select().from(backoffs).where(gt(backoffs.until, now));
  }
}

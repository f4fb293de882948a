import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { bindings } from "../schema.ts";

export type PgBindingRow = typeof bindings.$inferSelect;

/** Continuation bindings shared by every instance; written in batches (write-behind), read on a cache miss. */
export class PgBindingsRepo {
  constructor(private readonly db: PgDb) {}

  async putMany(rows: PgBindingRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insert(bindings)
      .values(rows)
      .onConflictDoUpdate({
        target: [bindings.kind, bindings.key],
        set: { account: sql`excluded.account`, lastUsedAt: sql`excluded.last_used_at`, expiresAt: sql`excluded.expires_at` },
      });
  }

  async get(kind: string, key: string, now = Date.now()): Promise<PgBindingRow | undefined> {
    return (await this.db.select().from(bindings).where(and(eq(bindings.kind, kind), eq(bindings.key, key), gt(bindings.expiresAt, now))))[0];
  }

  async prune(now = Date.now()): Promise<number> {
    return (await this.db.delete(bindings).where(lte(bindings.expiresAt, now)).returning({ key: bindings.key })).length;
  }
}

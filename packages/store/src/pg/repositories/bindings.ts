import { and, desc, eq, gt, lte, or, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { insertJsonRows } from "../json-rows.ts";
import { bindings } from "../schema.ts";

export type PgBindingRow = typeof bindings.$inferSelect;

/** Continuation bindings shared by every instance; written in batches (write-behind), read on a cache miss. */
export class PgBindingsRepo {
  constructor(private readonly db: PgDb) {}

  async putMany(rows: PgBindingRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(
      insertJsonRows(
        bindings,
        rows,
        sql`on conflict (kind, key) do update set account = excluded.account,
          last_used_at = excluded.last_used_at, expires_at = excluded.expires_at`,
      ),
    );
  }

  async get(kind: string, key: string, now = Date.now()): Promise<PgBindingRow | undefined> {
    return (
      await this.db
        .select()
        .from(bindings)
        .where(and(eq(bindings.kind, kind), eq(bindings.key, key), gt(bindings.expiresAt, now)))
    )[0];
  }

  /** Live bindings used after `since`, newest first (an instance's start, or catching up after an outage). */
  recent(since: number, limit = 10_000, now = Date.now()): Promise<PgBindingRow[]> {
    return this.db
      .select()
      .from(bindings)
      .where(and(gt(bindings.lastUsedAt, since), gt(bindings.expiresAt, now)))
      .orderBy(desc(bindings.lastUsedAt))
      .limit(limit);
  }

  /** The live bindings among `pairs` (one query: an instance resolving a continuation it has not seen). */
  async find(pairs: readonly { kind: string; key: string }[], now = Date.now()): Promise<PgBindingRow[]> {
    if (pairs.length === 0) return [];
    const match = or(...pairs.map((p) => and(eq(bindings.kind, p.kind), eq(bindings.key, p.key))));
    return this.db
      .select()
      .from(bindings)
      .where(and(match, gt(bindings.expiresAt, now)));
  }

  async prune(now = Date.now()): Promise<number> {
    return (await this.db.delete(bindings).where(lte(bindings.expiresAt, now)).returning({ key: bindings.key })).length;
  }
}

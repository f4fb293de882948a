import { and, count, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../db.ts";
import { bindings } from "../schema.ts";

export type BindingRow = typeof bindings.$inferSelect;
export type BindingKind = BindingRow["kind"];

export class BindingsRepo {
  constructor(private readonly db: Db) {}

  /** The live (unexpired) binding, if any. */
  get(kind: BindingKind, key: string, now = Date.now()): BindingRow | undefined {
    return this.db
      .select()
      .from(bindings)
      .where(and(eq(bindings.kind, kind), eq(bindings.key, key), gt(bindings.expiresAt, now)))
      .get();
  }

  put(kind: BindingKind, key: string, profileId: number, ttlMs: number, now = Date.now()): void {
    this.db
      .insert(bindings)
      .values({ kind, key, profileId, createdAt: now, lastUsedAt: now, expiresAt: now + ttlMs })
      .onConflictDoUpdate({
        target: [bindings.kind, bindings.key],
        set: { profileId, lastUsedAt: now, expiresAt: now + ttlMs },
      })
      .run();
  }

  remove(kind: BindingKind, key: string): void {
    this.db.delete(bindings).where(and(eq(bindings.kind, kind), eq(bindings.key, key))).run();
  }

  prune(now = Date.now()): number {
    return this.db.delete(bindings).where(lte(bindings.expiresAt, now)).returning({ key: bindings.key }).all().length;
  }

  count(): number {
    return this.db.select({ n: count() }).from(bindings).get()?.n ?? 0;
  }
}

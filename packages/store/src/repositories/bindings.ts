import { and, asc, count, eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../db.ts";
import { bindings, profiles } from "../schema.ts";

export type BindingRow = typeof bindings.$inferSelect;
export type BindingKind = BindingRow["kind"];

const p = (name: string) => sql.placeholder(name);

/** A put over an existing binding moves it: the new profile, last use and expiry. */
const REBIND = {
  target: [bindings.kind, bindings.key],
  set: {
    profileId: sql`excluded.profile_id`,
    lastUsedAt: sql`excluded.last_used_at`,
    expiresAt: sql`excluded.expires_at`,
  },
};

/** Continuation bindings. On the proxy's request path, so every query is prepared once. */
export class BindingsRepo {
  private readonly getQ;
  private readonly putQ;
  private readonly putByNameQ;
  private readonly removeQ;

  constructor(private readonly db: Db) {
    this.getQ = db
      .select()
      .from(bindings)
      .where(
        and(
          eq(bindings.kind, sql`${p("kind")}`),
          eq(bindings.key, sql`${p("key")}`),
          gt(bindings.expiresAt, sql`${p("now")}`),
        ),
      )
      .prepare();
    this.putQ = db
      .insert(bindings)
      .values({
        kind: sql`${p("kind")}`,
        key: sql`${p("key")}`,
        profileId: sql`${p("profileId")}`,
        createdAt: sql`${p("now")}`,
        lastUsedAt: sql`${p("now")}`,
        expiresAt: sql`${p("expiresAt")}`,
      })
      .onConflictDoUpdate(REBIND)
      .prepare();
    // The profile by name, in the statement: no id cache to go stale, and a profile removed meanwhile binds nothing.
    this.putByNameQ = db
      .insert(bindings)
      .select(
        db
          .select({
            kind: sql`${p("kind")}`.as("kind"),
            key: sql`${p("key")}`.as("key"),
            profileId: profiles.id,
            createdAt: sql`${p("now")}`.as("created_at"),
            lastUsedAt: sql`${p("now")}`.as("last_used_at"),
            expiresAt: sql`${p("expiresAt")}`.as("expires_at"),
          })
          .from(profiles)
          .where(eq(profiles.name, sql`${p("profile")}`)),
      )
      .onConflictDoUpdate(REBIND)
      .prepare();
    this.removeQ = db
      .delete(bindings)
      .where(and(eq(bindings.kind, sql`${p("kind")}`), eq(bindings.key, sql`${p("key")}`)))
      .prepare();
  }

  /** The live (unexpired) binding, if any. */
  get(kind: BindingKind, key: string, now = Date.now()): BindingRow | undefined {
    return this.getQ.get({ kind, key, now });
  }

  put(kind: BindingKind, key: string, profileId: number, ttlMs: number, now = Date.now()): void {
    this.putQ.run({ kind, key, profileId, now, expiresAt: now + ttlMs });
  }

  /** `put` for the profile named `profile`; nothing when no such profile exists (any more). */
  putByName(kind: BindingKind, key: string, profile: string, ttlMs: number, now = Date.now()): void {
    this.putByNameQ.run({ kind, key, profile, now, expiresAt: now + ttlMs });
  }

  remove(kind: BindingKind, key: string): void {
    this.removeQ.run({ kind, key });
  }

  /** Bindings made or used after `since` (epoch ms), oldest first: what a gateway instance shares with the others. */
  touchedSince(since: number, limit = 1_000): BindingRow[] {
    return this.db
      .select()
      .from(bindings)
      .where(gt(bindings.lastUsedAt, since))
      .orderBy(asc(bindings.lastUsedAt))
      .limit(limit)
      .all();
  }

  prune(now = Date.now()): number {
    return this.db.delete(bindings).where(lte(bindings.expiresAt, now)).returning({ key: bindings.key }).all().length;
  }

  count(): number {
    return this.db.select({ n: count() }).from(bindings).get()?.n ?? 0;
  }
}

import { eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../db.ts";
import { backoffs } from "../schema.ts";

export type BackoffRow = typeof backoffs.$inferSelect;
export type BackoffReason = BackoffRow["reason"];

export class BackoffsRepo {
  /** Read by every pool reload (each 2 s in a proxy): built once, not per call. */
  private readonly activeQ;

  constructor(private readonly db: Db) {
    this.activeQ = db
      .select()
      .from(backoffs)
      .where(gt(backoffs.until, sql`${sql.placeholder("now")}`))
      .prepare();
  }

  /** Backoffs still in force at `now`, keyed by profile id. */
  active(now = Date.now()): Map<number, BackoffRow> {
    const rows = this.activeQ.all({ now });
    return new Map(rows.map((r) => [r.profileId, r]));
  }

  get(profileId: number): BackoffRow | undefined {
    return this.db.select().from(backoffs).where(eq(backoffs.profileId, profileId)).get();
  }

  /** `attempts`: the failure streak this rest belongs to (core's backoff.ts counts it; stored for the next reader). */
  set(
    profileId: number,
    reason: BackoffReason,
    until: number,
    message: string | null,
    now = Date.now(),
    attempts = 1,
  ): BackoffRow {
    return this.db
      .insert(backoffs)
      .values({ profileId, reason, until, attempts, message, updatedAt: now })
      .onConflictDoUpdate({ target: backoffs.profileId, set: { reason, until, attempts, message, updatedAt: now } })
      .returning()
      .get();
  }

  clear(profileId: number): boolean {
    return this.db.delete(backoffs).where(eq(backoffs.profileId, profileId)).returning().all().length > 0;
  }

  prune(now = Date.now()): number {
    return this.db
      .delete(backoffs)
      .where(lte(backoffs.until, now - 86_400_000))
      .returning()
      .all().length;
  }
}

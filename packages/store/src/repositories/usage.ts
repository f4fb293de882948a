import { and, desc, eq, gte, inArray, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../db.ts";
import { type StoredWindow, usageSnapshots } from "../schema.ts";

export type UsageRow = typeof usageSnapshots.$inferSelect;
export type NewUsage = {
  profileId: number;
  fetchedAt: number;
  source: UsageRow["source"];
  plan: string | null;
  windows: StoredWindow[];
  raw?: string | null;
};

export class UsageRepo {
  /** Read by every pool reload (each 2 s in a proxy): built once, not per call. */
  private readonly latestAllQ;

  constructor(private readonly db: Db) {
    this.latestAllQ = db.select().from(usageSnapshots).where(inArray(usageSnapshots.id, this.newestIds())).prepare();
  }

  insert(row: NewUsage): UsageRow {
    return this.db.insert(usageSnapshots).values(row).returning().get();
  }

  latest(profileId: number): UsageRow | undefined {
    return this.db
      .select()
      .from(usageSnapshots)
      .where(eq(usageSnapshots.profileId, profileId))
      .orderBy(desc(usageSnapshots.fetchedAt), desc(usageSnapshots.id))
      .limit(1)
      .get();
  }

  /** The newest snapshot of every profile, keyed by profile id. */
  latestAll(): Map<number, UsageRow> {
    const rows = this.latestAllQ.all();
    return new Map(rows.map((row) => [row.profileId, row]));
  }

  history(profileId: number, since: number, limit = 500): UsageRow[] {
    return this.db
      .select()
      .from(usageSnapshots)
      .where(and(eq(usageSnapshots.profileId, profileId), gte(usageSnapshots.fetchedAt, since)))
      .orderBy(desc(usageSnapshots.fetchedAt))
      .limit(limit)
      .all();
  }

  /** Drops snapshots older than `before`, but always keeps each profile's newest one. */
  prune(before: number): number {
    return this.db
      .delete(usageSnapshots)
      .where(and(lt(usageSnapshots.fetchedAt, before), notInArray(usageSnapshots.id, this.newestIds())))
      .returning({ id: usageSnapshots.id })
      .all().length;
  }

  private newestIds() {
    return this.db
      .select({ id: sql<number>`max(${usageSnapshots.id})` })
      .from(usageSnapshots)
      .groupBy(usageSnapshots.profileId);
  }
}

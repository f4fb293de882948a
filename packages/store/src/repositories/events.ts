import { and, desc, eq, gt, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db.ts";
import { events } from "../schema.ts";

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = Omit<typeof events.$inferInsert, "id">;

export type EventQuery = {
  afterId?: number;
  since?: number;
  profile?: string;
  kinds?: string[];
  limit?: number;
};

export class EventsRepo {
  constructor(private readonly db: Db) {}

  append(row: NewEventRow): EventRow {
    return this.db.insert(events).values(row).returning().get();
  }

  appendMany(rows: NewEventRow[]): void {
    if (rows.length === 0) return;
    this.db.transaction((tx) => {
      for (const row of rows) tx.insert(events).values(row).run();
    });
  }

  /** Newest last. With `afterId`, returns the rows that followed it (for tailing). */
  list(query: EventQuery = {}): EventRow[] {
    const where: SQL[] = [];
    if (query.afterId !== undefined) where.push(gt(events.id, query.afterId));
    if (query.since !== undefined) where.push(gte(events.at, query.since));
    if (query.profile !== undefined) where.push(eq(events.profileName, query.profile));
    if (query.kinds?.length) where.push(inArray(events.kind, query.kinds));
    const limit = query.limit ?? 1000;
    if (query.afterId !== undefined) {
      return this.db
        .select()
        .from(events)
        .where(and(...where))
        .orderBy(events.id)
        .limit(limit)
        .all();
    }
    return this.db
      .select()
      .from(events)
      .where(and(...where))
      .orderBy(desc(events.id))
      .limit(limit)
      .all()
      .reverse();
  }

  lastId(): number {
    return this.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).get()?.id ?? 0;
  }

  prune(before: number): number {
    return this.db.delete(events).where(lt(events.at, before)).returning({ id: events.id }).all().length;
  }
}

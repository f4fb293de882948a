import { and, desc, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
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

const p = (name: string) => sql`${sql.placeholder(name)}`;

export class EventsRepo {
  private readonly appendQ;

  constructor(private readonly db: Db) {
    this.appendQ = db
      .insert(events)
      .values({
        at: p("at"),
        kind: p("kind"),
        level: p("level"),
        profileName: p("profileName"),
        message: p("message"),
        data: p("data"),
        pid: p("pid"),
        source: p("source"),
      })
      .returning({ id: events.id })
      .prepare();
  }

  /** Appends one event; returns its id. */
  append(row: NewEventRow): number {
    const id = this.appendQ.get({
      at: row.at,
      kind: row.kind,
      level: row.level ?? "info",
      profileName: row.profileName ?? null,
      message: row.message,
      data: row.data === undefined || row.data === null ? null : JSON.stringify(row.data),
      pid: row.pid ?? null,
      source: row.source ?? null,
    })?.id;
    if (id === undefined) throw new Error("event insert returned no id");
    return id;
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

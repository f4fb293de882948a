import { asc, desc, gt, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { insertJsonRows } from "../json-rows.ts";
import { events } from "../schema.ts";

export type PgEventRow = typeof events.$inferSelect;
export type NewPgEvent = Omit<PgEventRow, "id">;

/** The shared timeline. (instance, seq) is unique, so a batch sent again after a lost reply is stored once. */
export class PgEventsRepo {
  constructor(private readonly db: PgDb) {}

  async insertMany(rows: NewPgEvent[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(insertJsonRows(events, rows, sql`on conflict (instance, seq) do nothing`));
  }

  /** Events after `id`, oldest first. */
  since(id: number, limit = 500): Promise<PgEventRow[]> {
    return this.db.select().from(events).where(gt(events.id, id)).orderBy(asc(events.id)).limit(limit);
  }

  /** The newest `limit` events, oldest first. */
  async latest(limit: number): Promise<PgEventRow[]> {
    return (await this.db.select().from(events).orderBy(desc(events.id)).limit(limit)).reverse();
  }
}

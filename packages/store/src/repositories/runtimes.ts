import { eq, lt } from "drizzle-orm";
import type { Db } from "../db.ts";
import { runtimes } from "../schema.ts";

export type RuntimeRow = typeof runtimes.$inferSelect;

export class RuntimesRepo {
  constructor(private readonly db: Db) {}

  register(row: Omit<RuntimeRow, "startedAt" | "heartbeatAt">, now = Date.now()): RuntimeRow {
    return this.db
      .insert(runtimes)
      .values({ ...row, startedAt: now, heartbeatAt: now })
      .onConflictDoUpdate({ target: runtimes.id, set: { ...row, heartbeatAt: now } })
      .returning()
      .get();
  }

  heartbeat(id: string, now = Date.now()): void {
    this.db.update(runtimes).set({ heartbeatAt: now }).where(eq(runtimes.id, id)).run();
  }

  list(): RuntimeRow[] {
    return this.db.select().from(runtimes).orderBy(runtimes.startedAt).all();
  }

  remove(id: string): void {
    this.db.delete(runtimes).where(eq(runtimes.id, id)).run();
  }

  pruneStale(before: number): RuntimeRow[] {
    return this.db.delete(runtimes).where(lt(runtimes.heartbeatAt, before)).returning().all();
  }
}

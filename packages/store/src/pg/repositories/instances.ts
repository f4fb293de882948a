import { asc, eq, gt, lte } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { instances } from "../schema.ts";

export type InstanceRow = typeof instances.$inferSelect;

/** Serving instances and their heartbeats; one whose heartbeat is older than the lease is gone. */
export class InstancesRepo {
  constructor(private readonly db: PgDb) {}

  async register(row: Omit<InstanceRow, "heartbeatAt" | "notReady">): Promise<void> {
    await this.db.insert(instances).values({ ...row, heartbeatAt: row.startedAt });
  }

  /** `notReady`: why the instance is not ready (null: it is). */
  async heartbeat(id: string, now = Date.now(), notReady: string | null = null): Promise<void> {
    await this.db.update(instances).set({ heartbeatAt: now, notReady }).where(eq(instances.id, id));
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(instances).where(eq(instances.id, id));
  }

  live(leaseMs: number, now = Date.now()): Promise<InstanceRow[]> {
    return this.db
      .select()
      .from(instances)
      .where(gt(instances.heartbeatAt, now - leaseMs))
      .orderBy(asc(instances.startedAt));
  }

  /** Deletes registrations whose heartbeat stopped (an instance killed without a goodbye). */
  async expire(leaseMs: number, now = Date.now()): Promise<number> {
    return (
      await this.db
        .delete(instances)
        .where(lte(instances.heartbeatAt, now - leaseMs))
        .returning({ id: instances.id })
    ).length;
  }
}

import { eq } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { poolControl } from "../schema.ts";

export type PoolControlRow = Omit<typeof poolControl.$inferSelect, "id">;

const ROW = 1;

/** The pool-wide pin and rotation switch (one row; none yet: nothing pinned, rotating). */
export class PoolControlRepo {
  constructor(private readonly db: PgDb) {}

  async get(): Promise<PoolControlRow | null> {
    const [row] = await this.db.select().from(poolControl).where(eq(poolControl.id, ROW));
    if (!row) return null;
    const { id: _, ...rest } = row;
    return rest;
  }

  /** Changes what `patch` names; returns the row as stored. */
  async set(
    patch: { pinned?: string | null; autoRotate?: boolean },
    by: string,
    now = Date.now(),
  ): Promise<PoolControlRow> {
    const values = { ...patch, updatedAt: now, updatedBy: by };
    const [row] = await this.db
      .insert(poolControl)
      .values({ id: ROW, pinned: null, autoRotate: true, ...values })
      .onConflictDoUpdate({ target: poolControl.id, set: values })
      .returning();
    if (!row) throw new Error("gw_pool_control: upsert returned no row");
    const { id: _, ...rest } = row;
    return rest;
  }
}

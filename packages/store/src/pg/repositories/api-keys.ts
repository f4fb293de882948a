import { and, asc, eq, isNull } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { apiKeys } from "../schema.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ApiKeyRole = ApiKeyRow["role"];
/** A key's limits (null: none). */
export type KeyLimits = { rpm: number | null; tokensPerDay: number | null; maxShare: number | null };

/** Gateway keys by hash: the key itself is shown once at creation and never stored. */
export class ApiKeysRepo {
  constructor(private readonly db: PgDb) {}

  async create(
    row: { name: string; role: ApiKeyRole; hash: string; hint: string } & Partial<KeyLimits>,
  ): Promise<boolean> {
    const inserted = await this.db
      .insert(apiKeys)
      .values({ ...row, createdAt: Date.now() })
      .onConflictDoNothing()
      .returning({ name: apiKeys.name });
    return inserted.length === 1;
  }

  list(): Promise<ApiKeyRow[]> {
    return this.db.select().from(apiKeys).orderBy(asc(apiKeys.name));
  }

  /** The live (not revoked) key with this hash. */
  async byHash(hash: string): Promise<ApiKeyRow | undefined> {
    return (
      await this.db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    )[0];
  }

  /**
   * Changes a live key's limits (a field left out stays): the row before and after, read under the row's lock so
   * the audit says what it changed from even when two admins change it at once; undefined when there is no such key.
   */
  setLimits(name: string, limits: Partial<KeyLimits>): Promise<{ before: ApiKeyRow; after: ApiKeyRow } | undefined> {
    const live = and(eq(apiKeys.name, name), isNull(apiKeys.revokedAt));
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(apiKeys).where(live).for("update");
      if (!before) return undefined;
      const [after] = await tx.update(apiKeys).set(limits).where(live).returning();
      return after ? { before, after } : undefined;
    });
  }

  /** False when there is no such live key. */
  async revoke(name: string): Promise<ApiKeyRow | undefined> {
    return (
      await this.db
        .update(apiKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(apiKeys.name, name), isNull(apiKeys.revokedAt)))
        .returning()
    )[0];
  }
}

import { eq, ne } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { secretKeys } from "../schema.ts";

export type SecretKeyRow = typeof secretKeys.$inferSelect;

/** Which secret key seals the tokens now (by id), with a sealed check value to recognise it. */
export class SecretKeysRepo {
  constructor(private readonly db: PgDb) {}

  async current(): Promise<SecretKeyRow | undefined> {
    return (await this.db.select().from(secretKeys).where(eq(secretKeys.current, true)))[0];
  }

  /** Records `id` as the current key (first use, or the end of a rotation) in one transaction. */
  async makeCurrent(id: string, check: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(secretKeys).values({ id, check, current: true, createdAt: Date.now() }).onConflictDoUpdate({ target: secretKeys.id, set: { check, current: true } });
      await tx.update(secretKeys).set({ current: false }).where(ne(secretKeys.id, id));
    });
  }
}

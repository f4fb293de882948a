import { eq } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { secretKeys } from "../schema.ts";

export type SecretKeyRow = typeof secretKeys.$inferSelect;

/** Which secret key seals the tokens now (by id), with a sealed check value to recognise it. */
export class SecretKeysRepo {
  constructor(private readonly db: PgDb) {}

  async current(): Promise<SecretKeyRow | undefined> {
    return (await this.db.select().from(secretKeys).where(eq(secretKeys.current, true)))[0];
  }

  /** Records `id` as the current key unless one already is (first use); returns the current key. */
  async adopt(id: string, check: string): Promise<SecretKeyRow> {
    await this.db.insert(secretKeys).values({ id, check, current: true, createdAt: Date.now() }).onConflictDoNothing();
    const current = await this.current();
    if (!current) throw new Error("no current gateway secret key after adopting one");
    return current;
  }
}

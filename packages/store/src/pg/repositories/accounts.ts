import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { accounts, secretKeys } from "../schema.ts";

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;
/** A token write: ciphertext sealed by the caller (the store never sees a plaintext token). */
export type SealedTokens = {
  tokenCipher: string;
  keyId: string;
  expiresAt: number | null;
  lastRefresh: number;
  accountId?: string | null;
  email?: string | null;
  plan?: string | null;
};
export type AccountTx = {
  /** The row as it is now, locked until the transaction ends. */
  row: AccountRow;
  /** Writes over the locked row's version; returns the new version. */
  write(tokens: SealedTokens): Promise<number>;
  /** The secret key tokens are sealed with now, read under the lock (a rotation holds every row's lock). */
  currentKey: { id: string; check: string } | null;
};

type PgTx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];

/** Writes `tokens` only over `version`: the new version, or null when another write got there first. */
async function writeOver(db: PgDb | PgTx, name: string, version: number, tokens: SealedTokens): Promise<number | null> {
  const updated = await db
    .update(accounts)
    .set({
      ...defined(tokens),
      needsLogin: false,
      tokenVersion: sql`${accounts.tokenVersion} + 1`,
      updatedAt: Date.now(),
    })
    .where(and(eq(accounts.name, name), eq(accounts.tokenVersion, version)))
    .returning({ version: accounts.tokenVersion });
  return updated[0]?.version ?? null;
}

export class AccountsRepo {
  constructor(private readonly db: PgDb) {}

  list(): Promise<AccountRow[]> {
    return this.db.select().from(accounts).orderBy(asc(accounts.name));
  }

  /** Takes an account out of the pool (by whom) or puts it back (null); false: no such account. */
  async setPaused(name: string, paused: { by: string; at: number } | null): Promise<boolean> {
    const rows = await this.db
      .update(accounts)
      .set({ pausedAt: paused?.at ?? null, pausedBy: paused?.by ?? null })
      .where(eq(accounts.name, name))
      .returning({ name: accounts.name });
    return rows.length === 1;
  }

  async get(name: string): Promise<AccountRow | undefined> {
    return (await this.db.select().from(accounts).where(eq(accounts.name, name)))[0];
  }

  /** False when the name (or the ChatGPT account) is already in the pool. */
  async add(row: NewAccount): Promise<boolean> {
    const inserted = await this.db
      .insert(accounts)
      .values(row)
      .onConflictDoNothing()
      .returning({ name: accounts.name });
    return inserted.length === 1;
  }

  async remove(name: string): Promise<boolean> {
    return (
      (await this.db.delete(accounts).where(eq(accounts.name, name)).returning({ name: accounts.name })).length === 1
    );
  }

  /**
   * Runs `fn` holding the account's row lock (SELECT … FOR UPDATE in a transaction): one refresh at a time across
   * every instance, released with the transaction — also when the process holding it dies.
   */
  async locked<T>(name: string, fn: (tx: AccountTx) => Promise<T>): Promise<T | undefined> {
    return this.db.transaction(async (tx) => {
      const row = (await tx.select().from(accounts).where(eq(accounts.name, name)).for("update"))[0];
      if (!row) return undefined;
      const [currentKey] = await tx
        .select({ id: secretKeys.id, check: secretKeys.check })
        .from(secretKeys)
        .where(eq(secretKeys.current, true));
      const write = async (tokens: SealedTokens) => {
        const version = await writeOver(tx, name, row.tokenVersion, tokens);
        if (version === null) throw new Error(`the tokens of ${name} changed under a held lock`);
        return version;
      };
      return fn({ row, write, currentKey: currentKey ?? null });
    });
  }

  /** Writes only over `version` (never an older token over a newer one); null when someone wrote first. */
  writeTokens(name: string, version: number, tokens: SealedTokens): Promise<number | null> {
    return writeOver(this.db, name, version, tokens);
  }

  async markNeedsLogin(name: string): Promise<void> {
    await this.db.update(accounts).set({ needsLogin: true, updatedAt: Date.now() }).where(eq(accounts.name, name));
  }

  /**
   * Re-seals every account and records `next` as the current secret key, in one transaction
   * (`prodex gateway rotate-key`): either every row moves to the new key or none does.
   */
  async reseal(
    next: { id: string; check: string },
    fn: (row: AccountRow) => { tokenCipher: string; keyId: string },
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.select().from(accounts).for("update");
      for (const row of rows) {
        const sealed = fn(row);
        await tx
          .update(accounts)
          .set({ ...sealed, updatedAt: Date.now() })
          .where(eq(accounts.name, row.name));
      }
      await tx.update(secretKeys).set({ current: false }).where(ne(secretKeys.id, next.id));
      await tx
        .insert(secretKeys)
        .values({ id: next.id, check: next.check, current: true, createdAt: Date.now() })
        .onConflictDoUpdate({ target: secretKeys.id, set: { check: next.check, current: true } });
      return rows.length;
    });
  }
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

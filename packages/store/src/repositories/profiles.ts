import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db.ts";
import { profiles } from "../schema.ts";

export type ProfileRow = typeof profiles.$inferSelect;
export type NewProfile = Pick<ProfileRow, "name" | "codexHome" | "kind"> &
  Partial<Pick<ProfileRow, "accountId" | "email" | "plan">>;
export type ProfilePatch = Partial<
  Pick<ProfileRow, "accountId" | "email" | "plan" | "authState" | "codexHome" | "pausedAt" | "pausedBy">
>;

export class ProfilesRepo {
  // Read on the proxy's paths (pool reloads, binding lookups): prepared once.
  private readonly listQ;
  private readonly getQ;
  private readonly byIdQ;

  constructor(private readonly db: Db) {
    this.listQ = db.select().from(profiles).orderBy(asc(profiles.createdAt), asc(profiles.id)).prepare();
    this.getQ = db
      .select()
      .from(profiles)
      .where(eq(profiles.name, sql`${sql.placeholder("name")}`))
      .prepare();
    this.byIdQ = db
      .select()
      .from(profiles)
      .where(eq(profiles.id, sql`${sql.placeholder("id")}`))
      .prepare();
  }

  /** Stable order: creation order, then name. */
  list(): ProfileRow[] {
    return this.listQ.all();
  }

  get(name: string): ProfileRow | undefined {
    return this.getQ.get({ name });
  }

  byId(id: number): ProfileRow | undefined {
    return this.byIdQ.get({ id });
  }

  byAccount(accountId: string): ProfileRow | undefined {
    return this.db.select().from(profiles).where(eq(profiles.accountId, accountId)).get();
  }

  insert(profile: NewProfile, now = Date.now()): ProfileRow {
    return this.db
      .insert(profiles)
      .values({ ...profile, createdAt: now, updatedAt: now })
      .returning()
      .get();
  }

  update(name: string, patch: ProfilePatch, now = Date.now()): ProfileRow | undefined {
    return this.db
      .update(profiles)
      .set({ ...patch, updatedAt: now })
      .where(eq(profiles.name, name))
      .returning()
      .get();
  }

  /** Takes a profile out of the pool (`by` whom, null: unknown) or puts it back (null); undefined: no such profile. */
  setPaused(name: string, paused: { by: string | null; at: number } | null, now = Date.now()): ProfileRow | undefined {
    return this.update(name, { pausedAt: paused?.at ?? null, pausedBy: paused?.by ?? null }, now);
  }

  markSelected(name: string, now = Date.now()): void {
    this.db.update(profiles).set({ lastSelectedAt: now }).where(eq(profiles.name, name)).run();
  }

  remove(name: string): boolean {
    return this.db.delete(profiles).where(eq(profiles.name, name)).returning({ id: profiles.id }).all().length > 0;
  }
}

import { asc, eq } from "drizzle-orm";
import type { Db } from "../db.ts";
import { profiles } from "../schema.ts";

export type ProfileRow = typeof profiles.$inferSelect;
export type NewProfile = Pick<ProfileRow, "name" | "codexHome" | "kind"> &
  Partial<Pick<ProfileRow, "accountId" | "email" | "plan">>;
export type ProfilePatch = Partial<Pick<ProfileRow, "accountId" | "email" | "plan" | "authState" | "codexHome">>;

export class ProfilesRepo {
  constructor(private readonly db: Db) {}

  /** Stable order: creation order, then name. */
  list(): ProfileRow[] {
    return this.db.select().from(profiles).orderBy(asc(profiles.createdAt), asc(profiles.id)).all();
  }

  get(name: string): ProfileRow | undefined {
    return this.db.select().from(profiles).where(eq(profiles.name, name)).get();
  }

  byId(id: number): ProfileRow | undefined {
    return this.db.select().from(profiles).where(eq(profiles.id, id)).get();
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

  markSelected(name: string, now = Date.now()): void {
    this.db.update(profiles).set({ lastSelectedAt: now }).where(eq(profiles.name, name)).run();
  }

  remove(name: string): boolean {
    return this.db.delete(profiles).where(eq(profiles.name, name)).returning({ id: profiles.id }).all().length > 0;
  }
}

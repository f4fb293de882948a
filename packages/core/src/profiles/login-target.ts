import { ConflictError } from "../errors.ts";
import { nameFromEmail } from "./names.ts";

// Which profile a fresh ChatGPT login goes to. Pure: the caller looks the profiles up.

export type LoginAccount = { accountId: string; email: string | null };
export type ProfileAccount = { name: string; accountId: string | null; email: string | null };

export type LoginTarget = { name: string; action: "update" | "create" };

/**
 * `requested` (-p NAME), else the profile already holding this account, else a name from the
 * email. Refused: an account that is already another profile, and a derived name that would
 * replace another account's login (an explicit -p NAME may re-point a profile on purpose).
 */
export function loginTarget(
  account: LoginAccount,
  requested: string | null,
  owner: ProfileAccount | null,
  profileNamed: (name: string) => ProfileAccount | null,
): LoginTarget {
  const name = requested ?? owner?.name ?? nameFromEmail(account.email);
  if (owner && owner.name !== name) {
    throw new ConflictError(
      `this account (${account.email ?? account.accountId}) is already the profile "${owner.name}"`,
      `log in again with: prodex login -p ${owner.name}`,
    );
  }
  const existing = profileNamed(name);
  if (!requested && existing?.accountId && existing.accountId !== account.accountId) {
    throw new ConflictError(
      `a profile named "${name}" already holds another account (${existing.email ?? existing.accountId})`,
      "pick a name for this one: prodex login -p NAME",
    );
  }
  return { name, action: existing ? "update" : "create" };
}

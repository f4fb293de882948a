import { ConflictError, NotFoundError, validateProfileName } from "@prodex/core";
import type { GatewayStore } from "@prodex/store/pg";
import type { TokenVault } from "../secrets/token-vault.ts";
import { audit, operator } from "./audit.ts";

/** An account as `account list` shows it: never a token, not even sealed. */
export type AccountInfo = {
  name: string;
  accountId: string | null;
  email: string | null;
  plan: string | null;
  expiresAt: number | null;
  needsLogin: boolean;
  /** Taken out of the pool by an admin: when, and who (null: in the pool). */
  pausedAt: number | null;
  pausedBy: string | null;
  keyId: string;
  updatedAt: number;
};

/** Adds an account from auth.json text (sealed before it leaves this process). */
export async function addAccount(
  store: GatewayStore,
  vault: TokenVault,
  name: string,
  authText: string,
  who = operator(),
): Promise<AccountInfo> {
  validateProfileName(name);
  const { auth, ...sealed } = vault.sealAuth(name, authText);
  const now = Date.now();
  const taken = (await store.accounts.list()).find((a) => a.name === name || a.accountId === auth.accountId);
  if (taken) {
    const what =
      taken.name === name
        ? `an account named "${name}"`
        : `this ChatGPT account (${auth.email ?? auth.accountId}) as "${taken.name}"`;
    throw new ConflictError(
      `the gateway already has ${what}`,
      `remove it first: prodex gateway account remove ${taken.name}`,
    );
  }
  if (!(await store.accounts.add({ name, ...sealed, createdAt: now, updatedAt: now }))) {
    throw new ConflictError(
      `the gateway already has an account named "${name}" or this ChatGPT account`,
      "see them with: prodex gateway account list",
    );
  }
  await store.notify({ t: "account", name });
  await audit(store, who, "account.added", name);
  return info({
    name,
    accountId: auth.accountId,
    email: auth.email,
    plan: auth.plan,
    expiresAt: auth.expiresAt,
    needsLogin: false,
    pausedAt: null,
    pausedBy: null,
    keyId: sealed.keyId,
    updatedAt: now,
  });
}

export async function listAccounts(store: GatewayStore): Promise<AccountInfo[]> {
  return (await store.accounts.list()).map(info);
}

export async function removeAccount(store: GatewayStore, name: string, who = operator()): Promise<void> {
  if (!(await store.accounts.remove(name)))
    throw new NotFoundError(`the gateway has no account named "${name}"`, "see them with: prodex gateway account list");
  await store.notify({ t: "account", name });
  await audit(store, who, "account.removed", name);
}

/**
 * Takes an account out of the pool (`paused`) or puts it back, by `who` (audited): stored on its row and announced as
 * the account changing, so every instance re-reads the accounts and its local mirror hands the pause to its proxy
 * (core's availability: no new conversation goes to it, the ones it holds go on).
 */
export async function pauseAccount(
  store: GatewayStore,
  name: string,
  paused: boolean,
  who = operator(),
): Promise<void> {
  if (!(await store.accounts.setPaused(name, paused ? { by: who, at: Date.now() } : null)))
    throw new NotFoundError(`the gateway has no account named "${name}"`, "see them with: prodex gateway account list");
  await store.notify({ t: "account", name });
  await audit(store, who, paused ? "account.paused" : "account.resumed", name);
}

function info(row: AccountInfo): AccountInfo {
  const { name, accountId, email, plan, expiresAt, needsLogin, pausedAt, pausedBy, keyId, updatedAt } = row;
  return { name, accountId, email, plan, expiresAt, needsLogin, pausedAt, pausedBy, keyId, updatedAt };
}

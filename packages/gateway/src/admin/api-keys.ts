import { createHash, randomBytes } from "node:crypto";
import { ConflictError, NotFoundError, UsageError, validateProfileName } from "@prodex/core";
import type { ApiKeyRole, GatewayStore, KeyLimits } from "@prodex/store/pg";
import { audit, operator } from "./audit.ts";
import { limitChange, limitText, limitsOf } from "./key-limits-input.ts";

export const ROLES: readonly ApiKeyRole[] = ["user", "viewer", "admin"];
const PREFIX = "pdxgw_";

export type CreatedKey = { name: string; role: ApiKeyRole; key: string; hint: string } & KeyLimits;
export type KeyInfo = {
  name: string;
  role: ApiKeyRole;
  hint: string;
  createdAt: number;
  revokedAt: number | null;
} & KeyLimits;

/** What is stored for a key: its SHA-256 (a 256-bit random key needs no slow hash). */
export function keyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function parseRole(value: string): ApiKeyRole {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new UsageError(`--role must be one of ${ROLES.join(", ")}, got "${value}"`);
  return role;
}

/** Creates a key; the key itself is returned once and never stored. */
export async function createKey(
  store: GatewayStore,
  name: string,
  role: ApiKeyRole,
  limits: Partial<KeyLimits> = {},
  who = operator(),
): Promise<CreatedKey> {
  validateProfileName(name);
  const key = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const hint = key.slice(0, PREFIX.length + 6);
  if (!(await store.apiKeys.create({ name, role, hash: keyHash(key), hint, ...limits }))) {
    throw new ConflictError(
      `a gateway key named "${name}" already exists`,
      `pick another name, or revoke it first: prodex gateway key revoke ${name}`,
    );
  }
  const created = {
    name,
    role,
    key,
    hint,
    ...limitsOf({ rpm: null, tokensPerDay: null, maxShare: null, ...limits }),
  };
  // Running instances read the new key's limits now (otherwise a key created with --rpm is unlimited until a restart).
  await store.notify({ t: "key", name });
  await audit(store, who, "key.created", name, `${role}, ${limitText(created)}`);
  return created;
}

/** Changes a key's limits; every instance applies them from its next request (notification). */
export async function updateKeyLimits(
  store: GatewayStore,
  name: string,
  limits: Partial<KeyLimits>,
  who = operator(),
): Promise<KeyInfo> {
  const changed = await store.apiKeys.setLimits(name, limits);
  if (!changed)
    throw new NotFoundError(`no live gateway key named "${name}"`, "see them with: prodex gateway key list");
  await store.notify({ t: "key", name });
  await audit(store, who, "key.limits", name, limitChange(changed.before, changed.after), {
    from: limitsOf(changed.before),
    to: limitsOf(changed.after),
  });
  return info(changed.after);
}

function info(
  k: { name: string; role: ApiKeyRole; hint: string; createdAt: number; revokedAt: number | null } & KeyLimits,
): KeyInfo {
  return {
    name: k.name,
    role: k.role,
    hint: k.hint,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
    ...limitsOf(k),
  };
}

export async function listKeys(store: GatewayStore): Promise<KeyInfo[]> {
  return (await store.apiKeys.list()).map(info);
}

export async function revokeKey(store: GatewayStore, name: string, who = operator()): Promise<KeyInfo> {
  const row = await store.apiKeys.revoke(name);
  if (!row) throw new NotFoundError(`no live gateway key named "${name}"`, "see them with: prodex gateway key list");
  await store.notify({ t: "key", name });
  await audit(store, who, "key.revoked", name);
  return info(row);
}

import { UsageError } from "@prodex/core";
import type { GatewayStore } from "@prodex/store/pg";
import { loadSecretKey } from "../secrets/secret-key.ts";
import { TokenVault } from "../secrets/token-vault.ts";
import { audit, operator } from "./audit.ts";

/**
 * Re-seals every token with the new key (PRODEX_GATEWAY_NEW_SECRET_KEY or _FILE) in one transaction. The
 * current key must open every row first; instances then restart with the new key.
 */
export async function rotateKey(
  store: GatewayStore,
  env: Record<string, string | undefined>,
  who = operator(),
): Promise<{ from: string; to: string; accounts: number }> {
  const current = loadSecretKey(env);
  const next = loadSecretKey(env, {
    value: "PRODEX_GATEWAY_NEW_SECRET_KEY",
    file: "PRODEX_GATEWAY_NEW_SECRET_KEY_FILE",
  });
  if (next.id === current.id)
    throw new UsageError(
      "the new gateway secret key is the current one",
      "create a new one with: openssl rand -base64 32",
    );
  const vault = await TokenVault.open(store, current);
  const accounts = await vault.rotate(next);
  await store.notify({ t: "secret-key", id: next.id });
  await audit(store, who, "secret-key.rotated", `${current.id} → ${next.id}`, `${accounts} account(s) re-sealed`);
  return { from: current.id, to: next.id, accounts };
}

import { GatewayStore, parseDatabaseUrl } from "@prodex/store/pg";
import { GatewayError, UsageError, asProdexError } from "../errors.ts";
import { loadSecretKeyRing } from "../secrets/secret-key.ts";
import { TokenVault } from "../secrets/token-vault.ts";

/** The database URL from the flag or PRODEX_DATABASE_URL: one clear line when neither is there. */
export function databaseUrl(flag: string | undefined, env: Record<string, string | undefined>): string {
  const url = flag ?? env.PRODEX_DATABASE_URL;
  if (!url)
    throw new UsageError(
      "no gateway database given",
      "pass --database-url postgres://USER:PASSWORD@HOST:5432/DB or set PRODEX_DATABASE_URL",
    );
  try {
    return parseDatabaseUrl(url);
  } catch (e) {
    throw asProdexError(e);
  }
}

/**
 * Runs `fn` on the gateway database after checking its schema is current (never migrating it), then closes
 * the connection. Database failures come out as one clear line.
 */
export async function withGateway<T>(url: string, fn: (store: GatewayStore) => Promise<T>): Promise<T> {
  const store = GatewayStore.open(url, { max: 2 });
  try {
    await store.assertSchema();
    return await fn(store);
  } catch (e) {
    throw asProdexError(e);
  } finally {
    await store.close();
  }
}

/** As `withGateway`, with the token vault for the secret key in `env` (checked against the database first). */
export function withVault<T>(
  url: string,
  env: Record<string, string | undefined>,
  fn: (store: GatewayStore, vault: TokenVault) => Promise<T>,
): Promise<T> {
  const { keys } = loadSecretKeyRing(env);
  return withGateway(url, async (store) => fn(store, await TokenVault.open(store, keys)));
}

/** `prodex gateway migrate`: the one command that changes the schema. */
export async function migrateGateway(url: string): Promise<{ applied: string[]; current: string[] }> {
  const store = GatewayStore.open(url, { max: 1 });
  try {
    return await store.migrate();
  } catch (e) {
    throw asProdexError(e);
  } finally {
    await store.close();
  }
}

export { GatewayError };

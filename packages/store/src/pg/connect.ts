import { drizzle } from "drizzle-orm/bun-sql";
import { GatewayDbError, redactUrl } from "./errors.ts";
import * as schema from "./schema.ts";

export type PgDb = ReturnType<typeof drizzle<typeof schema>>;
export type PgClient = InstanceType<typeof Bun.SQL>;

export type ConnectOptions = {
  /** Pool size (default 10: requests never wait on it, writes are batched). */
  max?: number;
  /** Seconds to wait for a connection before failing (default 5): a down server fails fast, never hangs. */
  connectionTimeout?: number;
};

/** Checks the URL names PostgreSQL, so a typo is one clear line rather than a driver error. */
export function parseDatabaseUrl(url: string | undefined): string {
  if (!url)
    throw new GatewayDbError(
      "no database given",
      "pass --database-url postgres://USER:PASSWORD@HOST:5432/DB or set PRODEX_DATABASE_URL",
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GatewayDbError("--database-url is not a URL", "use postgres://USER:PASSWORD@HOST:5432/DB");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new GatewayDbError(
      `--database-url must be a postgres:// URL, got ${redactUrl(url)}`,
      "use postgres://USER:PASSWORD@HOST:5432/DB",
    );
  }
  return url;
}

export function connectPg(url: string, options: ConnectOptions = {}): { client: PgClient; db: PgDb } {
  const client = new Bun.SQL(parseDatabaseUrl(url), {
    max: options.max ?? 10,
    connectionTimeout: options.connectionTimeout ?? 5,
    idleTimeout: 60,
    // Statement replies are small; prepared statements keep the hot queries cheap.
    prepare: true,
  });
  return { client, db: drizzle({ client, schema }) };
}

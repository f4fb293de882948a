import { GatewayDbError, describeDbError, isConnectionError, redactUrl } from "./errors.ts";
import type { PgClient } from "./connect.ts";
import { migrations } from "./migrations.gen.ts";

// One number for the whole gateway schema: two `migrate` runs (any hosts) queue on it.
const MIGRATE_LOCK = 0x70726f64; // "prod"
const TABLE = "gw_migrations";

export type MigrateResult = { applied: string[]; current: string[] };
export type SchemaState = { applied: string[]; missing: string[]; unknown: string[] };

/**
 * Applies the embedded migrations not yet applied, in one transaction holding an advisory lock: a second
 * run at the same time waits, then finds nothing to do. Idempotent.
 */
export async function migrateSchema(client: PgClient, url: string): Promise<MigrateResult> {
  try {
    return await client.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`;
      await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${TABLE} (tag text PRIMARY KEY, applied_at bigint NOT NULL)`);
      const done = new Set((await tx.unsafe(`SELECT tag FROM ${TABLE}`)).map((r: { tag: string }) => r.tag));
      const applied: string[] = [];
      for (const m of migrations) {
        if (done.has(m.tag)) continue;
        for (const statement of m.statements) await tx.unsafe(statement);
        await tx`INSERT INTO gw_migrations (tag, applied_at) VALUES (${m.tag}, ${Date.now()})`;
        applied.push(m.tag);
      }
      return { applied, current: migrations.map((m) => m.tag) };
    });
  } catch (cause) {
    throw dbFailure("could not migrate", url, cause);
  }
}

/** What this build expects against what the database has (a serving instance checks, never migrates). */
export async function schemaState(client: PgClient, url: string): Promise<SchemaState> {
  let rows: { tag: string }[];
  try {
    const exists = await client`SELECT to_regclass(${TABLE}) IS NOT NULL AS ok`;
    rows = exists[0]?.ok ? await client.unsafe(`SELECT tag FROM ${TABLE}`) : [];
  } catch (cause) {
    throw dbFailure("could not read the schema version", url, cause);
  }
  const applied = rows.map((r) => r.tag);
  const known = new Set(migrations.map((m) => m.tag));
  return {
    applied,
    missing: migrations.map((m) => m.tag).filter((t) => !applied.includes(t)),
    unknown: applied.filter((t) => !known.has(t)),
  };
}

/** Throws the one line a serving instance prints when the schema is not the one it was built for. */
export function assertSchemaCurrent(state: SchemaState, url: string): void {
  if (state.missing.length > 0) {
    const what =
      state.applied.length === 0
        ? "has no gateway schema yet"
        : `is ${state.missing.length} migration(s) behind this prodex`;
    throw new GatewayDbError(
      `the database ${redactUrl(url)} ${what}`,
      `run: prodex gateway migrate --database-url URL (once, from any host); serving instances never migrate`,
    );
  }
  if (state.unknown.length > 0) {
    throw new GatewayDbError(
      `the database ${redactUrl(url)} has migrations this prodex does not know (${state.unknown.join(", ")}): it was migrated by a newer prodex`,
      "upgrade this instance to the version that migrated it",
    );
  }
}

export function dbFailure(what: string, url: string, cause: unknown): GatewayDbError {
  if (cause instanceof GatewayDbError) return cause;
  if (isConnectionError(cause)) {
    return new GatewayDbError(
      `${what}: cannot reach PostgreSQL at ${redactUrl(url)} (${describeDbError(cause)})`,
      "check that the server runs and --database-url / PRODEX_DATABASE_URL is right",
      { cause },
    );
  }
  return new GatewayDbError(`${what}: ${describeDbError(cause)} (database ${redactUrl(url)})`, undefined, { cause });
}

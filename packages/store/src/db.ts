import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { StoreError } from "./errors.ts";
import { migrations } from "./migrations.gen.ts";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export type OpenOptions = {
  /** Milliseconds a writer waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * Called before every write statement (insert, update, delete); throwing fails that write as
   * SQLite would. The fault-injection seam (PRODEX_FAULTS=db.busy); absent, nothing is wrapped.
   */
  beforeWrite?: (sql: string) => void;
};

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

export function openDatabase(path: string, options: OpenOptions = {}): { sqlite: Database; db: Db } {
  const dir = dirname(path);
  if (!options.readonly && !existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  let sqlite: Database;
  try {
    sqlite = new Database(path, options.readonly ? { readonly: true } : { create: true, readwrite: true });
  } catch (cause) {
    throw new StoreError(
      `cannot open the prodex database ${path}: ${describe(cause)}; check that ${dir} is a directory you can write, or set PRODEX_HOME`,
      path,
      { cause },
    );
  }
  try {
    sqlite.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    if (!options.readonly) sqlite.exec("PRAGMA journal_mode = WAL");
    sqlite.exec("PRAGMA synchronous = NORMAL");
    sqlite.exec("PRAGMA foreign_keys = ON");
    if (!options.readonly) {
      migrate(sqlite);
      restrictMode(path);
    }
  } catch (cause) {
    sqlite.close();
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(
      `the prodex database ${path} is unreadable or corrupt (${describe(cause)}); move it aside and run prodex again to start a fresh one`,
      path,
      { cause },
    );
  }
  const beforeWrite = options.beforeWrite;
  // Drizzle tells its logger each statement just before running it: the one place every repository's write passes.
  const logger = beforeWrite
    ? { logQuery: (sql: string) => (WRITE.test(sql) ? beforeWrite(sql) : undefined) }
    : undefined;
  return { sqlite, db: drizzle(sqlite, { schema, logger }) };
}

/** Applies embedded migrations in order. IMMEDIATE makes concurrent first opens wait, not race. */
function migrate(sqlite: Database): void {
  sqlite.exec(
    "CREATE TABLE IF NOT EXISTS __prodex_migrations (tag TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const applied = () =>
    new Set(
      sqlite
        .query<{ tag: string }, []>("SELECT tag FROM __prodex_migrations")
        .all()
        .map((r) => r.tag),
    );
  if (migrations.every((m) => applied().has(m.tag))) return;
  sqlite
    .transaction(() => {
      const done = applied();
      for (const m of migrations) {
        if (done.has(m.tag)) continue;
        for (const statement of m.statements) sqlite.exec(statement);
        sqlite.query("INSERT INTO __prodex_migrations (tag, applied_at) VALUES (?, ?)").run(m.tag, Date.now());
      }
    })
    .immediate();
}

function restrictMode(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if (existsSync(file)) chmodSync(file, 0o600);
    } catch {
      // Best effort: a read-only mount or foreign owner is reported by `prodex doctor`.
    }
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

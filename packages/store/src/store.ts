import type { Database } from "bun:sqlite";
import { type Db, type OpenOptions, openDatabase } from "./db.ts";
import { StoreError } from "./errors.ts";
import { BackoffsRepo } from "./repositories/backoffs.ts";
import { BindingsRepo } from "./repositories/bindings.ts";
import { EventsRepo } from "./repositories/events.ts";
import { LedgerRepo } from "./repositories/ledger.ts";
import { ProfilesRepo } from "./repositories/profiles.ts";
import { RuntimesRepo } from "./repositories/runtimes.ts";
import { SettingsRepo } from "./repositories/settings.ts";
import { UsageRepo } from "./repositories/usage.ts";

/** One handle on `$PRODEX_HOME/prodex.db`; safe to open from many processes at once. */
export class Store {
  readonly profiles: ProfilesRepo;
  readonly usage: UsageRepo;
  readonly events: EventsRepo;
  readonly bindings: BindingsRepo;
  readonly backoffs: BackoffsRepo;
  readonly settings: SettingsRepo;
  readonly runtimes: RuntimesRepo;
  readonly ledger: LedgerRepo;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly sqlite: Database,
    db: Db,
  ) {
    this.profiles = new ProfilesRepo(db);
    this.usage = new UsageRepo(db);
    this.events = new EventsRepo(db);
    this.bindings = new BindingsRepo(db);
    this.backoffs = new BackoffsRepo(db);
    this.settings = new SettingsRepo(db);
    this.runtimes = new RuntimesRepo(db);
    this.ledger = new LedgerRepo(db);
  }

  static open(path: string, options?: OpenOptions): Store {
    const { sqlite, db } = openDatabase(path, options);
    return new Store(path, sqlite, db);
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE: takes the write lock up front, so no upgrade deadlock). */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn).immediate();
  }

  /** How long a write waits for another process's lock before failing with SQLITE_BUSY (see `OpenOptions`). */
  busyTimeout(ms: number): void {
    this.sqlite.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  }

  /** `PRAGMA integrity_check` + foreign keys; returns the problems found (empty when healthy). */
  integrityCheck(): string[] {
    try {
      const rows = this.sqlite.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
      const problems = rows.map((r) => r.integrity_check).filter((r) => r !== "ok");
      const fk = this.sqlite.query<Record<string, unknown>, []>("PRAGMA foreign_key_check").all();
      return [...problems, ...fk.map((r) => `foreign key violation: ${JSON.stringify(r)}`)];
    } catch (cause) {
      throw new StoreError(`integrity check failed on ${this.path}`, this.path, { cause });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sqlite.close();
  }
}

import { randomUUID } from "node:crypto";
import { InlineSink, Store, StoreWriter, WorkerSink } from "@prodex/store";
import { TokenManager, refreshUrlFromEnv } from "./auth/token-refresh.ts";
import { EventLog } from "./events/event-log.ts";
import { busyError } from "./faults/fault-effects.ts";
import { Faults } from "./faults/faults.ts";
import { type Env, type Paths, resolvePaths } from "./paths.ts";

export type ContextOptions = {
  env?: Env;
  fetch?: typeof fetch;
  /** Who writes events: "cli", "proxy:<launch id>"… */
  source?: string;
  eventMode?: "sync" | "buffered";
  now?: () => number;
  /**
   * Where tokens come from instead of each profile's auth.json: the team gateway's sealed, database-backed
   * tokens. Absent (every single-user command): the TokenManager over auth.json, as always.
   */
  tokens?: TokenSource;
};

/** What the proxy and quota fetches ask of tokens (the TokenManager, or the gateway's shared tokens). */
export type TokenSource = Pick<TokenManager, "read" | "current" | "afterUnauthorized">;

/** Everything a command or the proxy needs, opened once: paths, store, tokens, events. */
export class Context {
  readonly env: Env;
  readonly paths: Paths;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly source: string;
  /** PRODEX_FAULTS, parsed (a bad value fails here, at start-up); null when unset, which is always in normal use. */
  readonly faults: Faults | null;
  private storeHandle: Store | null = null;
  private eventLog: EventLog | null = null;
  private writer: StoreWriter | null = null;
  private tokenManager: TokenManager | null = null;

  constructor(private readonly options: ContextOptions = {}) {
    this.env = options.env ?? process.env;
    this.paths = resolvePaths(this.env);
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.source = options.source ?? `cli:${randomUUID().slice(0, 8)}`;
    this.faults = Faults.fromEnv(this.env);
  }

  /** Opened on first use so `prodex --version` never touches the database. */
  get store(): Store {
    this.storeHandle ??= Store.open(this.paths.db, this.storeFaults());
    return this.storeHandle;
  }

  /** The store's fault seam (db.busy): each armed write fails as a locked database would. */
  private storeFaults(): { beforeWrite: () => void } | undefined {
    const faults = this.faults;
    if (!faults?.has("db.busy")) return undefined;
    return {
      beforeWrite: () => {
        if (faults.take("db.busy")) throw busyError();
      },
    };
  }

  /**
   * The store writes nobody waits for (a buffered timeline, bindings, pool bookkeeping), batched
   * off the caller's path: on this thread, until `writeOffThread()`.
   */
  get writes(): StoreWriter {
    this.writer ??= new StoreWriter(new InlineSink(this.store));
    return this.writer;
  }

  /**
   * The proxy: from now on those batches are written by a worker thread with its own connection,
   * so no write, WAL checkpoint or other process's lock ever holds up a request. The `db.busy`
   * seam then refuses whole batches (the thread's connection has no seam of its own).
   */
  writeOffThread(): Promise<void> {
    const faults = this.faults;
    const refuse = faults?.has("db.busy") ? () => faults.take("db.busy") !== null : undefined;
    return this.writes.use(new WorkerSink(this.paths.db, { refuse, fallback: new InlineSink(this.store) }));
  }

  /** Back to this thread, once the worker has written what it holds (the proxy's stop). */
  writeOnThread(): Promise<void> {
    return this.writer ? this.writer.use(new InlineSink(this.store)) : Promise.resolve();
  }

  get events(): EventLog {
    const mode = this.options.eventMode ?? "sync";
    this.eventLog ??= new EventLog(this.store, { source: this.source, mode, now: this.now, writes: this.writes });
    return this.eventLog;
  }

  get tokens(): TokenSource {
    if (this.options.tokens) return this.options.tokens;
    this.tokenManager ??= new TokenManager({
      refreshUrl: refreshUrlFromEnv(this.env),
      fetch: this.fetch,
      now: this.now,
      faults: this.faults,
      hooks: {
        onRefreshed: (profile, reason) => {
          this.store.profiles.update(profile.name, { authState: "ok" });
          this.events.emit({
            kind: "token.refreshed",
            profile: profile.name,
            message: `refreshed ${profile.name}'s token (${reason === "proactive_expiry" ? "about to expire" : "after 401"})`,
          });
        },
        onNeedsLogin: (profile, why) => {
          this.store.profiles.update(profile.name, { authState: "needs_login" });
          this.events.emit({
            kind: "auth.needs_login",
            level: "error",
            profile: profile.name,
            message: `${profile.name} needs login (${why}): run prodex login -p ${profile.name}`,
          });
        },
        onFailed: (profile, error) => {
          this.events.emit({
            kind: "token.refresh_failed",
            level: "warn",
            profile: profile.name,
            message: error.message,
          });
        },
      },
    });
    return this.tokenManager;
  }

  close(): void {
    this.eventLog?.drain();
    this.writer?.drain();
    this.storeHandle?.close();
    this.storeHandle = null;
  }
}

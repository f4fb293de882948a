import type { GatewayStore, NewPgEvent, PgBackoffRow, PgBindingRow, PgLedgerRow, PgUsageRow } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";

type Pending = {
  bindings: Map<string, PgBindingRow>;
  events: NewPgEvent[];
  backoffs: Map<string, Omit<PgBackoffRow, "updatedAt">>;
  usage: Map<string, PgUsageRow>;
  ledger: PgLedgerRow[];
};

const BATCH = 500;

/**
 * Writes the request path must not wait for: bindings, events, backoffs, usage and the usage ledger are queued here and sent in
 * batches every `intervalMs`. While the database is down they stay queued (bindings, backoffs and usage keep only
 * the newest per key) and go out when it returns; events carry (instance, seq) and ledger rows their request id, so a batch sent
 * twice — its commit reply lost — is stored once. Nothing is dropped for a connection failure.
 */
export class WriteBehind {
  private pending: Pending = { bindings: new Map(), events: [], backoffs: new Map(), usage: new Map(), ledger: [] };
  private timer: ReturnType<typeof setInterval> | null = null;
  private flushing: Promise<void> | null = null;
  /** Rows dropped because the database refused them (not a connection failure): a bug to report, never silent. */
  dropped = 0;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    private readonly onError: (what: string, error: unknown) => void = () => {},
    /** After bindings are stored: announce them (other instances' caches). */
    private readonly onBindings: (rows: PgBindingRow[]) => void = () => {},
    /** After events or an account's usage reading are stored: announce them (other instances, dashboards). */
    private readonly onStored: (what: { t: "events" } | { t: "usage"; account: string }) => void = () => {},
  ) {}

  start(intervalMs = 50): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref?.();
  }

  binding(row: PgBindingRow): void {
    this.pending.bindings.set(`${row.kind}\0${row.key}`, row);
  }

  event(row: NewPgEvent): void {
    this.pending.events.push(row);
  }

  backoff(row: Omit<PgBackoffRow, "updatedAt">): void {
    this.pending.backoffs.set(row.account, row);
  }

  /** A usage-ledger row: keyed by request id, so a batch sent twice (its commit reply lost) is stored once. */
  ledger(row: PgLedgerRow): void {
    this.pending.ledger.push(row);
  }

  usage(row: PgUsageRow): void {
    this.pending.usage.set(row.account, row);
  }

  /** Ledger rows queued, and how long (ms) the oldest has waited since its answer ended. */
  ledgerBacklog(now: number): { rows: number; lagMs: number } {
    const first = this.pending.ledger[0];
    return { rows: this.pending.ledger.length, lagMs: first ? Math.max(0, now - (first.at + first.durationMs)) : 0 };
  }

  /** A binding queued but not yet written (another instance cannot see it yet; this one can). */
  queuedBinding(kind: string, key: string): PgBindingRow | undefined {
    return this.pending.bindings.get(`${kind}\0${key}`);
  }

  size(): number {
    const p = this.pending;
    return p.bindings.size + p.events.length + p.backoffs.size + p.usage.size + p.ledger.length;
  }

  /** Sends what is queued (one flush at a time); resolves when this round is done. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.size() === 0) return Promise.resolve();
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const p = this.pending;
    await this.sendBindings();
    await this.send(
      "events",
      p.events.slice(0, BATCH),
      (rows) => this.store.events.insertMany(rows),
      (rows) => {
        p.events.splice(0, rows.length);
        this.onStored({ t: "events" });
      },
    );
    await this.send(
      "ledger",
      p.ledger.slice(0, BATCH),
      (rows) => this.store.ledger.insertMany(rows),
      (rows) => {
        p.ledger.splice(0, rows.length);
      },
    );
    for (const row of [...p.backoffs.values()]) {
      await this.send(
        "backoff",
        [row],
        ([r]) => (r ? this.store.backoffs.put(r) : Promise.resolve()),
        () => {
          if (p.backoffs.get(row.account) === row) p.backoffs.delete(row.account);
        },
      );
    }
    for (const row of [...p.usage.values()]) {
      await this.send(
        "usage",
        [row],
        ([r]) => (r ? this.store.usage.put(r) : Promise.resolve()),
        () => {
          if (p.usage.get(row.account) === row) p.usage.delete(row.account);
          this.onStored({ t: "usage", account: row.account });
        },
      );
    }
    // Bindings queued while this round ran (a turn that just ended) go now, not a tick later: another
    // instance may get the conversation's next turn within moments.
    if (p.bindings.size > 0) await this.sendBindings();
  }

  private async sendBindings(): Promise<void> {
    const p = this.pending;
    await this.send(
      "bindings",
      [...p.bindings.values()].slice(0, BATCH),
      (rows) => this.store.bindings.putMany(rows),
      (rows) => {
        this.onBindings(rows);
        for (const r of rows) if (p.bindings.get(`${r.kind}\0${r.key}`) === r) p.bindings.delete(`${r.kind}\0${r.key}`);
      },
    );
  }

  private async send<T>(
    what: string,
    rows: T[],
    write: (rows: T[]) => Promise<void>,
    done: (rows: T[]) => void,
  ): Promise<void> {
    if (rows.length === 0 || !this.health.current.ok) return;
    try {
      await write(rows);
      this.health.up();
      done(rows);
    } catch (error) {
      this.health.failed(error);
      if (!this.health.current.ok) return; // kept: sent again when the database is back
      this.dropped += rows.length;
      done(rows);
      this.onError(what, error);
    }
  }

  /** Stops the timer after one last flush (bounded: a down database does not hold up shutdown). */
  async stop(timeoutMs = 2_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.race([this.flush(), Bun.sleep(timeoutMs)]);
  }
}

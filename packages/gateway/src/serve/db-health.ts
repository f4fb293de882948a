import { type GatewayStore, isConnectionError } from "@prodex/store/pg";

export type Health = { ok: true } | { ok: false; reason: string; since: number };

/**
 * Is the database there? Set by every database call's outcome and by a probe once a second while it is down
 * (and every `probeMs` while up), so /readyz answers from memory and never waits on the database.
 */
export class DbHealth {
  private state: Health = { ok: true };
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<(up: boolean) => void>();

  constructor(
    private readonly store: GatewayStore,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): Health {
    return this.state;
  }

  start(probeMs = 1_000): void {
    this.timer = setInterval(() => void this.probe(), probeMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs when the database comes back (flush queued writes, reload caches). */
  onChange(fn: (up: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async probe(): Promise<boolean> {
    try {
      await this.store.ping();
      this.up();
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  up(): void {
    if (this.state.ok) return;
    this.state = { ok: true };
    for (const fn of this.listeners) fn(true);
  }

  /** Records a failed call; only a connection failure marks the database down. */
  failed(error: unknown): void {
    if (!isConnectionError(error)) return;
    if (!this.state.ok) return;
    this.state = { ok: false, reason: "PostgreSQL unreachable", since: this.now() };
    for (const fn of this.listeners) fn(false);
  }
}

import { type PoolEvent, type PoolSnapshot, looseEvent } from "@prodex/core";
import type { FeedSource } from "@prodex/proxy";
import type { GatewayStore, PgEventRow } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";

/** Events a dashboard gets first when it attaches. */
const REPLAY = 50;
/**
 * Ids are taken at insert and become visible at commit, so two instances' batches can land out of id order:
 * each read reaches back this many ids and skips those already sent.
 */
const LOOK_BACK_IDS = 200;

/** A row of the shared timeline as the dashboard's event (its source: the instance that wrote it). */
export function timelineEvent(row: PgEventRow): PoolEvent | null {
  return looseEvent({
    id: row.id,
    at: row.at,
    kind: row.kind,
    level: row.level === "warn" || row.level === "error" ? row.level : "info",
    profile: row.account,
    message: row.message,
    data: row.data ?? undefined,
    source: row.instance,
  });
}

/**
 * The shared timeline, live, for the dashboards attached to this instance: every instance's events (and the audit
 * trail) as PostgreSQL has them. Read when a notification says some were written (`poke`), never on a timer, and
 * only while a dashboard listens; one read at a time for all of them.
 */
export class TimelineFeed {
  private readonly listeners = new Set<(e: PoolEvent) => void>();
  private cursor = 0;
  private readonly sent = new Set<number>();
  private reading: Promise<void> | null = null;
  private again = false;
  /** Set by the first replay: before it, a read would start from the table's beginning. */
  private primed = false;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
  ) {}

  /** A dashboard's feed: this instance's pool view, and the whole pool's timeline. */
  source(snapshot: () => PoolSnapshot): FeedSource {
    return {
      snapshot,
      recent: () => this.recent(),
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  private async recent(): Promise<PoolEvent[]> {
    const rows = await this.store.events.latest(REPLAY);
    for (const r of rows) this.mark(r.id);
    this.primed = true;
    return rows.flatMap((r) => timelineEvent(r) ?? []);
  }

  /** Some instance wrote events: read what is new (when a dashboard listens). */
  poke(): void {
    if (this.listeners.size === 0 || !this.primed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private async read(): Promise<void> {
    let rows: PgEventRow[];
    try {
      rows = await this.store.events.since(Math.max(0, this.cursor - LOOK_BACK_IDS), 500);
    } catch (e) {
      this.health.failed(e);
      return;
    }
    for (const r of rows) {
      if (this.sent.has(r.id)) continue;
      this.mark(r.id);
      const event = timelineEvent(r);
      if (event) for (const l of this.listeners) l(event);
    }
  }

  private mark(id: number): void {
    this.sent.add(id);
    if (id > this.cursor) this.cursor = id;
    if (this.sent.size > LOOK_BACK_IDS * 4)
      for (const old of this.sent) if (old < this.cursor - LOOK_BACK_IDS) this.sent.delete(old);
  }
}

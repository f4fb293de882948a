import { type EventRow, type Store, isBusy } from "@prodex/store";
import { type NewEvent, type PoolEvent, looseEvent } from "./types.ts";

export type EventListener = (event: PoolEvent) => void;

/** Events kept for the store while it refuses writes. */
const MAX_PENDING = 5_000;
/** How soon a refused batch is offered again (a locked store is not asked ten times a second). */
const RETRY_MS = 1_000;

/** A stored event, checked against the registry (null: a kind this version does not know). */
export function rowToEvent(row: EventRow): PoolEvent | null {
  return looseEvent({
    id: row.id,
    at: row.at,
    kind: row.kind,
    level: row.level,
    profile: row.profileName,
    message: row.message,
    data: row.data ?? undefined,
    pid: row.pid ?? undefined,
    source: row.source ?? undefined,
  });
}

/**
 * Writes the pool's timeline to the store and tells in-process listeners at once.
 * `buffered` (the proxy) batches store writes off the request path; `sync` (CLI commands)
 * writes each event before returning.
 */
export class EventLog {
  private readonly listeners = new Set<EventListener>();
  private pending: PoolEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private buffered: boolean;

  constructor(
    private readonly store: Store | null,
    private readonly options: { source: string; mode?: "sync" | "buffered"; flushMs?: number; now?: () => number } = { source: "cli" },
  ) {
    this.buffered = options.mode === "buffered";
  }

  /** From now on, batch store writes off the caller's path (the proxy must never wait on the timeline). */
  useBuffered(): void {
    this.buffered = true;
  }

  emit(input: NewEvent): PoolEvent {
    // NewEvent's kind and data belong together (the compiler checked them at the call): so do the event's.
    const event = {
      id: 0,
      at: input.at ?? (this.options.now ?? Date.now)(),
      kind: input.kind,
      level: input.level ?? "info",
      profile: input.profile ?? null,
      message: input.message,
      data: input.data,
      pid: process.pid,
      source: this.options.source,
    } as PoolEvent;
    if (this.buffered || !this.store) {
      event.id = --this.seq; // local ids are negative until the store assigns one; only used as keys
      this.pending.push(event);
      this.schedule();
    } else {
      const ids = this.write([event]);
      event.id = ids === "busy" ? 0 : (ids[0] ?? 0);
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes what is buffered now (called on a timer and on shutdown); false when a busy store kept it for the next try. */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || this.write(batch) !== "busy") return true;
    // Bounded: a store that stays locked costs the oldest events, never memory without end.
    this.pending = batch.concat(this.pending).slice(-MAX_PENDING);
    this.schedule(RETRY_MS);
    return false;
  }

  /** On shutdown: a few tries, so a store busy for a moment still gets the last events. */
  drain(tries = 3): void {
    for (let i = 0; i < tries; i++) if (this.flush()) break;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms = this.options.flushMs ?? 100): void {
    if (this.timer || !this.store) return;
    this.timer = setTimeout(() => this.flush(), ms);
    this.timer.unref?.();
  }

  /** The stored ids; "busy" when another process holds the lock (worth another try), [] on any other failure. */
  private write(batch: PoolEvent[]): number[] | "busy" {
    if (!this.store) return [];
    const store = this.store;
    try {
      return store.transaction(() =>
        batch.map(
          (e) =>
            store.events.append({
              at: e.at,
              kind: e.kind,
              level: e.level,
              profileName: e.profile,
              message: e.message,
              data: e.data ?? null,
              pid: e.pid ?? null,
              source: e.source ?? null,
            }),
        ),
      );
    } catch (error) {
      // The timeline is best effort: a locked or full disk must never fail a request.
      return isBusy(error) ? "busy" : [];
    }
  }
}

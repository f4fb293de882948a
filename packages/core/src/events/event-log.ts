import { type EventRow, InlineSink, type NewEventRow, type Store, StoreWriter } from "@prodex/store";
import { type NewEvent, type PoolEvent, looseEvent } from "./types.ts";

export type EventListener = (event: PoolEvent) => void;

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

export type EventLogOptions = {
  source: string;
  mode?: "sync" | "buffered";
  flushMs?: number;
  now?: () => number;
  /** The batched writer for buffered mode (the context's); by default one on this thread. */
  writes?: StoreWriter;
};

/**
 * Writes the pool's timeline to the store and tells in-process listeners at once.
 * `buffered` (the proxy) hands store writes to a batched writer off the request path (the
 * context's, which the proxy moves to a worker thread); `sync` (CLI commands) writes each event
 * before returning.
 */
export class EventLog {
  private readonly listeners = new Set<EventListener>();
  private seq = 0;
  private buffered: boolean;
  private writer: StoreWriter | null;

  constructor(
    private readonly store: Store | null,
    private readonly options: EventLogOptions = { source: "cli" },
  ) {
    this.buffered = options.mode === "buffered";
    this.writer = options.writes ?? null;
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
    const writes = this.buffered ? this.writes() : null;
    if (writes) {
      event.id = --this.seq; // local ids are negative until the store assigns one; only used as keys
      writes.write({ repo: "events", method: "append", args: [toRow(event)] });
    } else if (!this.buffered) {
      event.id = this.write(event);
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes what is buffered now (also on a timer and on shutdown); false when a busy store kept it. */
  flush(): boolean {
    return this.writer?.flush() ?? true;
  }

  /** On shutdown: a few tries, so a store busy for a moment still gets the last events. */
  drain(tries = 3): void {
    this.writer?.drain(tries);
  }

  /** The batched writer: the context's, or (a log made on its own) one on this thread. */
  private writes(): StoreWriter | null {
    if (!this.store) return null;
    this.writer ??= new StoreWriter(new InlineSink(this.store), { flushMs: this.options.flushMs });
    return this.writer;
  }

  /** The stored id; 0 when the store could not take it (best effort: a locked or full disk never fails a command). */
  private write(event: PoolEvent): number {
    if (!this.store) return 0;
    try {
      return this.store.events.append(toRow(event));
    } catch {
      return 0;
    }
  }
}

function toRow(e: PoolEvent): NewEventRow {
  return {
    at: e.at,
    kind: e.kind,
    level: e.level,
    profileName: e.profile,
    message: e.message,
    data: e.data ?? null,
    pid: e.pid ?? null,
    source: e.source ?? null,
  };
}

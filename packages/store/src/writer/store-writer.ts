import type { Store } from "../store.ts";
import { type BatchResult, type WriteOp, applyBatch } from "./write-ops.ts";

/** Where batches are written: on this thread (`InlineSink`) or by the writer thread (`WorkerSink`). */
export type Sink = {
  /** Writes `ops` in one transaction; calls `done` once (at once inline, later from a thread). */
  apply(ops: WriteOp[], done: (result: BatchResult) => void): void;
  /** Lets go of the sink's connection or thread once nothing is in flight. */
  close(): Promise<void>;
};

/** Writes on the caller's thread, with the caller's connection (and its `db.busy` fault seam). */
export class InlineSink implements Sink {
  constructor(private readonly store: Store) {}

  apply(ops: WriteOp[], done: (result: BatchResult) => void): void {
    done(applyBatch(this.store, ops));
  }

  async close(): Promise<void> {}
}

export type StoreWriterOptions = {
  /** How long a write waits for company before its batch goes (default 100 ms). */
  flushMs?: number;
  /** Epoch ms, for the backlog's age (default Date.now). */
  now?: () => number;
  /** How soon a batch a busy store refused is offered again (default 1 s: not ten times a second). */
  retryMs?: number;
  /** Ops kept while the store refuses them; past it the oldest go (default 25 000). */
  maxQueued?: number;
};

/**
 * The store writes nobody waits for, batched off the caller's path: `write()` only queues.
 * One batch is in flight at a time (so order holds), a busy store's batch is kept (bounded)
 * and offered again, and what one op cannot write (a profile removed meanwhile) is dropped
 * without its batch. The sink decides the thread: the proxy moves it to a worker with its own
 * connection, so neither a write, a WAL checkpoint nor another process's lock stalls a request.
 */
export class StoreWriter {
  private queue: WriteOp[] = [];
  /** The ops of the batch in flight (0: none in flight). */
  private inFlight = 0;
  private refused = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waiters: (() => void)[] = [];
  private readonly flushMs: number;
  private readonly retryMs: number;
  private readonly maxQueued: number;
  private readonly now: () => number;
  /** When the oldest op still queued, and the oldest of the batch in flight, were written (null: none). */
  private queuedSince: number | null = null;
  private inFlightSince: number | null = null;
  /** Ops lost so far: pushed out of a full queue, or failing on their own. */
  lost = 0;

  constructor(
    private sink: Sink,
    options: StoreWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 100;
    this.retryMs = options.retryMs ?? 1_000;
    this.maxQueued = options.maxQueued ?? 25_000;
    this.now = options.now ?? Date.now;
  }

  write(op: WriteOp): void {
    this.queuedSince ??= this.now();
    this.queue.push(op);
    const excess = this.queue.length - this.maxQueued;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.lost += excess;
    }
    this.schedule(this.flushMs);
  }

  /** Ops queued or in flight. */
  pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** What waits to be written (`/metrics`): ops queued or in flight, and how long the oldest has waited (ms). */
  backlog(): { ops: number; lagMs: number } {
    const since = this.inFlightSince ?? this.queuedSince;
    return { ops: this.pending(), lagMs: since === null ? 0 : Math.max(0, this.now() - since) };
  }

  /**
   * Sends what is queued now (after the batch in flight, if any). False when the store refused
   * the last batch: it stays queued for the next try.
   */
  flush(): boolean {
    this.clearTimer();
    if (this.inFlight > 0) return true;
    if (this.queue.length === 0) {
      this.wake();
      return true;
    }
    const batch = this.queue;
    this.queue = [];
    this.inFlight = batch.length;
    this.inFlightSince = this.queuedSince;
    this.queuedSince = null;
    this.sink.apply(batch, (result) => this.settle(batch, result));
    return !this.refused;
  }

  /** On shutdown, on this thread: a few tries, so a store busy for a moment still gets the last writes. */
  drain(tries = 3): void {
    for (let i = 0; i < tries; i++) if (this.flush() && this.inFlight === 0) break;
    this.clearTimer();
  }

  /** Resolves once what was written before the call is in the store, or the store refused it `tries` times. */
  async settled(tries = 3): Promise<void> {
    for (let i = 0; i < tries; i++) {
      this.flush();
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (this.queue.length === 0 && this.inFlight === 0) return;
    }
  }

  /** Moves the writes to `sink`: what is queued is written through the old one first, which is then closed. */
  async use(sink: Sink): Promise<void> {
    if (sink === this.sink) return;
    await this.settled();
    const old = this.sink;
    this.sink = sink;
    await old.close();
  }

  private settle(batch: WriteOp[], result: BatchResult): void {
    this.inFlight = 0;
    // A refused batch goes back to the head of the queue: its age is the queue's now.
    if (result.busy && result.done < batch.length) this.queuedSince = this.inFlightSince ?? this.queuedSince;
    this.inFlightSince = null;
    this.refused = result.busy;
    this.lost += result.dropped;
    if (result.busy) {
      const keep = batch.slice(result.done);
      const room = Math.max(0, this.maxQueued - this.queue.length);
      this.lost += Math.max(0, keep.length - room);
      this.queue = keep.slice(keep.length - Math.min(room, keep.length)).concat(this.queue);
      this.schedule(this.retryMs);
    } else if (this.queue.length > 0) this.schedule(this.flushMs);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

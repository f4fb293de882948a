import type { Sink } from "./store-writer.ts";
import type { BatchResult, WriteOp } from "./write-ops.ts";

export type ToWorker =
  | { type: "open"; path: string; busyTimeoutMs: number }
  | { type: "batch"; id: number; ops: WriteOp[] }
  | { type: "close" };
export type FromWorker =
  | { type: "opened" }
  | { type: "failed"; message: string }
  | { type: "result"; id: number; result: BatchResult }
  | { type: "closed" };

export type WorkerSinkOptions = {
  /** How long the thread waits for another process's lock per batch; nobody waits on it but the batches behind. */
  busyTimeoutMs?: number;
  /** The fault seam (PRODEX_FAULTS=db.busy): true refuses the batch as a busy store would, without sending it. */
  refuse?: () => boolean;
  /** Where batches go if the thread cannot start or dies: the caller's own connection. */
  fallback: Sink;
  /** Told once if the thread failed and the fallback took over. */
  onFallback?: (why: string) => void;
};

/**
 * The thread's script. A compiled prodex embeds it as an entry point of its own
 * (scripts/dist/compile.ts), under the bundle's root rather than beside this module.
 */
const SCRIPT = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/packages/store/src/writer/writer-worker.ts"
  : new URL("./writer-worker.ts", import.meta.url).href;

/** A batch is refused this long after the thread was asked to close and did not say so. */
const CLOSE_WAIT_MS = 5_000;

/**
 * Batches written by a worker thread with its own bun:sqlite connection. The main thread only
 * posts plain ops; if the thread cannot start (or dies), every batch it held goes to the
 * fallback (the caller's connection), so a write is never lost to the thread itself.
 */
export class WorkerSink implements Sink {
  private worker: Worker | null;
  private readonly inFlight = new Map<number, { ops: WriteOp[]; done: (result: BatchResult) => void }>();
  private seq = 0;
  private closed: (() => void) | null = null;

  constructor(
    path: string,
    private readonly options: WorkerSinkOptions,
  ) {
    try {
      this.worker = new Worker(SCRIPT, { smol: true });
    } catch (error) {
      this.worker = null;
      this.fail(error instanceof Error ? error.message : String(error));
      return;
    }
    const worker = this.worker;
    // The thread never keeps the process alive: shutdown settles the writes first (StoreWriter.use).
    worker.unref();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => this.fail(event.message);
    this.post({ type: "open", path, busyTimeoutMs: options.busyTimeoutMs ?? 2_000 });
  }

  apply(ops: WriteOp[], done: (result: BatchResult) => void): void {
    if (this.options.refuse?.()) {
      queueMicrotask(() => done({ done: 0, dropped: 0, busy: true }));
      return;
    }
    if (!this.worker) {
      this.options.fallback.apply(ops, done);
      return;
    }
    const id = ++this.seq;
    this.inFlight.set(id, { ops, done });
    this.post({ type: "batch", id, ops });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closed = new Promise<void>((resolve) => {
      this.closed = resolve;
    });
    this.post({ type: "close" });
    await Promise.race([closed, Bun.sleep(CLOSE_WAIT_MS)]);
    this.worker = null;
    worker.terminate();
    this.handBack();
  }

  private receive(m: FromWorker): void {
    if (m.type === "result") {
      const batch = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      batch?.done(m.result);
    } else if (m.type === "failed") this.fail(m.message);
    else if (m.type === "closed") this.closed?.();
  }

  private post(message: ToWorker): void {
    try {
      this.worker?.postMessage(message);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  /** The thread is gone or never came: its batches, and every later one, are written on the caller's thread. */
  private fail(why: string): void {
    const worker = this.worker;
    this.worker = null;
    worker?.terminate();
    this.options.onFallback?.(why);
    this.handBack();
  }

  private handBack(): void {
    const batches = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const b of batches) this.options.fallback.apply(b.ops, b.done);
  }
}

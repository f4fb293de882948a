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
  /** Writes quiet this long let the thread go (default 1 s, as the proxy's idle collection). */
  quietMs?: number;
};

/**
 * The thread's script. A compiled prodex embeds it as an entry point of its own
 * (scripts/dist/compile.ts), under the bundle's root rather than beside this module.
 */
const SCRIPT = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/packages/store/src/writer/writer-worker.ts"
  : new URL("./writer-worker.ts", import.meta.url).href;

/** How long a thread that was asked to close may take to say so before it is terminated. */
const CLOSE_WAIT_MS = 5_000;

/**
 * Batches written by a worker thread with its own bun:sqlite connection. The main thread only
 * posts plain ops; if the thread cannot start (or dies), every batch it held goes to the
 * fallback (the caller's connection), so a write is never lost to the thread itself. The thread
 * starts with the first batch and goes once writes have been quiet for `quietMs`: a proxy at
 * rest holds no thread (5–7 MB), and the next write starts one again (~40 ms, off this thread).
 */
export class WorkerSink implements Sink {
  private worker: Worker | null = null;
  /** The thread could not start or died: the fallback writes from then on. */
  private broken = false;
  private readonly inFlight = new Map<number, { ops: WriteOp[]; done: (result: BatchResult) => void }>();
  private seq = 0;
  private quiet: ReturnType<typeof setTimeout> | null = null;
  private readonly quietMs: number;

  constructor(
    private readonly path: string,
    private readonly options: WorkerSinkOptions,
  ) {
    this.quietMs = options.quietMs ?? 1_000;
  }

  /** Whether a writer thread is up now. */
  running(): boolean {
    return this.worker !== null;
  }

  apply(ops: WriteOp[], done: (result: BatchResult) => void): void {
    if (this.options.refuse?.()) {
      queueMicrotask(() => done({ done: 0, dropped: 0, busy: true }));
      return;
    }
    const worker = this.broken ? null : (this.worker ?? this.start());
    if (!worker) {
      this.options.fallback.apply(ops, done);
      return;
    }
    this.clearQuiet();
    const id = ++this.seq;
    this.inFlight.set(id, { ops, done });
    this.post(worker, { type: "batch", id, ops });
  }

  async close(): Promise<void> {
    this.clearQuiet();
    const worker = this.worker;
    this.worker = null;
    if (worker) await stop(worker);
    this.handBack();
  }

  private start(): Worker | null {
    let worker: Worker;
    try {
      worker = new Worker(SCRIPT, { smol: true });
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return null;
    }
    // The thread never keeps the process alive: shutdown settles the writes first (StoreWriter.use).
    worker.unref();
    worker.addEventListener("message", (event: MessageEvent<FromWorker>) => this.receive(worker, event.data));
    worker.addEventListener("error", (event) => {
      if (worker === this.worker) this.fail(event.message);
    });
    this.worker = worker;
    this.post(worker, { type: "open", path: this.path, busyTimeoutMs: this.options.busyTimeoutMs ?? 2_000 });
    return worker;
  }

  private receive(worker: Worker, m: FromWorker): void {
    if (worker !== this.worker) return; // a retired thread's goodbye (see stop)
    if (m.type === "result") {
      const batch = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      batch?.done(m.result);
      if (this.inFlight.size === 0) this.armQuiet();
    } else if (m.type === "failed") this.fail(m.message);
  }

  private post(worker: Worker, message: ToWorker): void {
    try {
      worker.postMessage(message);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  /** Writes have been quiet: the thread goes (its connection closed first); the next batch starts another. */
  private armQuiet(): void {
    this.clearQuiet();
    this.quiet = setTimeout(() => {
      this.quiet = null;
      const worker = this.worker;
      if (!worker || this.inFlight.size > 0) return;
      this.worker = null;
      void stop(worker);
    }, this.quietMs);
    this.quiet.unref?.();
  }

  private clearQuiet(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = null;
  }

  /** The thread is gone or never came: its batches, and every later one, are written on the caller's thread. */
  private fail(why: string): void {
    const worker = this.worker;
    this.worker = null;
    this.broken = true;
    this.clearQuiet();
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

/** Asks a thread to close its connection, waits for it to say so (bounded), then ends it. */
async function stop(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
      if (event.data.type === "closed") resolve();
    });
  });
  try {
    worker.postMessage({ type: "close" } satisfies ToWorker);
    await Promise.race([closed, Bun.sleep(CLOSE_WAIT_MS)]);
  } catch {
    // already gone
  }
  worker.terminate();
}

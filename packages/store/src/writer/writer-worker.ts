// The writer thread: its own connection to prodex.db, so the proxy's bookkeeping writes, and the
// WAL checkpoints they trigger, never run on the thread that serves requests (see worker-sink.ts).
import { Store } from "../store.ts";
import type { ToWorker, FromWorker } from "./worker-sink.ts";
import { applyBatch } from "./write-ops.ts";

declare const self: Worker;

let store: Store | null = null;
let idle: ReturnType<typeof setTimeout> | null = null;
/** The thread's heap is collected and shrunk after this long without a batch (like the proxy's idle-gc). */
const QUIET_MS = 1_000;
const reply = (message: FromWorker) => self.postMessage(message);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === "open") {
    try {
      store = Store.open(m.path, { busyTimeoutMs: m.busyTimeoutMs });
      reply({ type: "opened" });
    } catch (error) {
      reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  } else if (m.type === "batch") {
    // No connection: the sink has been told (failed) and writes on its own thread meanwhile.
    if (store) reply({ type: "result", id: m.id, result: applyBatch(store, m.ops) });
    // After a burst the thread keeps its busiest minute's heap: handed back once quiet (3–5 MB after 10k streams).
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      Bun.gc(true);
      Bun.shrink();
    }, QUIET_MS);
    idle.unref();
  } else {
    if (idle) clearTimeout(idle);
    store?.close();
    store = null;
    reply({ type: "closed" });
  }
};

// The writer thread: its own connection to prodex.db, so the proxy's bookkeeping writes, and the
// WAL checkpoints they trigger, never run on the thread that serves requests (see worker-sink.ts).
import { Store } from "../store.ts";
import type { ToWorker, FromWorker } from "./worker-sink.ts";
import { applyBatch } from "./write-ops.ts";

declare const self: Worker;

let store: Store | null = null;
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
  } else {
    store?.close();
    store = null;
    reply({ type: "closed" });
  }
};

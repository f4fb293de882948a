import { type Context, waitForWrite } from "@prodex/core";
import type { RuntimeRow } from "@prodex/store";

export { pidAlive } from "@prodex/core";

export type Registration = { id: string; close(): void };

/**
 * Lists this process in the store's `runtimes` (so `prodex info` and dashboards find it) and
 * keeps its heartbeat fresh; `close()` removes it. The URL is the bare origin: no secret. The
 * first write waits out a busy database like any write (the proxy's own writes give up sooner).
 */
export async function registerRuntime(
  ctx: Context,
  row: { kind: RuntimeRow["kind"]; url: string; upstream: string },
  heartbeatMs = 15_000,
): Promise<Registration> {
  const id = `${row.kind}:${process.pid}:${ctx.source}`;
  await waitForWrite(() =>
    ctx.store.runtimes.register(
      { id, kind: row.kind, pid: process.pid, url: row.url, upstream: row.upstream, secretPath: null },
      ctx.now(),
    ),
  );
  const timer = setInterval(() => {
    try {
      ctx.store.runtimes.heartbeat(id, ctx.now());
    } catch {
      // a busy database skips one beat
    }
  }, heartbeatMs);
  timer.unref?.();
  let closed = false;
  return {
    id,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      try {
        ctx.store.runtimes.remove(id);
      } catch {
        // `prodex cleanup` removes registrations whose pid is gone
      }
    },
  };
}

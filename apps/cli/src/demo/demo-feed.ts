import type { Context, PoolEvent, PoolFeed, PoolFeedMessage } from "@prodex/core";
import type { ProxyHandle } from "@prodex/proxy";

const RECENT = 200;

/**
 * The dashboard's feed for a proxy in this process: snapshots straight from its pool and every
 * event as the context emits it (no SSE round trip; the demo owns both ends).
 */
export function inProcessFeed(ctx: Context, proxy: ProxyHandle): PoolFeed {
  const listeners = new Set<(m: PoolFeedMessage) => void>();
  const recent: PoolEvent[] = [];
  const pool = proxy.state.pool;
  const send = (m: PoolFeedMessage) => {
    for (const l of listeners) l(m);
  };
  const unsubscribe = ctx.events.subscribe((event) => {
    recent.push(event);
    if (recent.length > RECENT) recent.shift();
    send({ type: "event", event });
    send({ type: "snapshot", snapshot: pool.snapshot() });
  });
  return {
    snapshot: () => pool.snapshot(),
    recent: () => [...recent],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async pin(profile) {
      pool.pinned = profile;
      ctx.events.emit({ kind: "control", profile, message: profile ? `pinned ${profile}` : "unpinned" });
    },
    async setAutoRotate(enabled) {
      pool.autoRotate = enabled;
      ctx.events.emit({ kind: "control", message: enabled ? "auto-rotate resumed" : "auto-rotate paused" });
    },
    close() {
      unsubscribe();
      listeners.clear();
    },
  };
}

import { type UsageSummary, type UsageTracker, usageTracker } from "@prodex/core";
import type { ProxyState } from "../engine/proxy-state.ts";

// The usage view's data for the dashboards attached to this proxy: one tracker per proxy, read from the store
// (the ledger every process of this PRODEX_HOME writes) at most once a second however many dashboards watch.

export const USAGE_TICK_MS = 1_000;

const trackers = new WeakMap<ProxyState, { tracker: UsageTracker; readAt: number }>();

/** The latest usage summary (the same object until something in it changed); null while the store is unreadable. */
export function proxyUsage(state: ProxyState): UsageSummary | null {
  let t = trackers.get(state);
  if (!t) {
    t = { tracker: usageTracker(state.ctx.store.ledger), readAt: Number.NEGATIVE_INFINITY };
    trackers.set(state, t);
  }
  const now = Date.now();
  if (now - t.readAt >= USAGE_TICK_MS - 50) {
    t.readAt = now;
    t.tracker.refresh(state.ctx.now());
  }
  return t.tracker.current();
}

import type { Context } from "../context.ts";
import { usageTracker } from "../ledger/usage-tracker.ts";
import type { UsageSummary } from "../ledger/usage-summary.ts";
import { loadProfileStates, toProfileView } from "../pool/pool-state.ts";
import { currentName, setProfilePaused } from "../profiles/profile-service.ts";
import { rowToEvent } from "./event-log.ts";
import type { PoolFeed, PoolFeedMessage, PoolSnapshot } from "./pool-view.ts";
import type { PoolEvent } from "./types.ts";

export type StoreFeedOptions = {
  /** How often the store is read for new events and changed profiles (ms). */
  pollMs?: number;
  /** Events shown at start. */
  recent?: number;
};

/** The answer to a control with no proxy running: nothing rotates, so there is nothing to pin or pause rotation of. */
export const NO_PROXY_TO_CONTROL =
  "no prodex proxy running: pin and auto-rotate act on a live pool (prodex use NAME sets where the next launch starts)";

/**
 * A dashboard's feed read from the shared store alone, for when no proxy runs: every profile
 * with its last stored usage and backoff, and the timeline as prodex processes write it (other
 * processes' events appear within `pollMs`). Pin and auto-rotate are refused (nothing rotates); pausing a profile is
 * stored, for the next launch.
 */
export function storeFeed(ctx: Context, options: StoreFeedOptions = {}): PoolFeed {
  const listeners = new Set<(message: PoolFeedMessage) => void>();
  const snapshotNow = (): PoolSnapshot => {
    const now = ctx.now();
    const current = currentName(ctx);
    return {
      at: now,
      current,
      pinned: null,
      autoRotate: true,
      offline: true,
      profiles: loadProfileStates(ctx, now).map((s) => toProfileView(s, now, current)),
    };
  };
  let snapshot = snapshotNow();
  const stored = ctx.store.events.list({ limit: options.recent ?? 200 });
  let events: PoolEvent[] = stored.flatMap((row) => rowToEvent(row) ?? []);
  let lastId = stored.at(-1)?.id ?? ctx.store.events.lastId();
  let shown = JSON.stringify({ ...snapshot, at: 0 });
  const emit = (message: PoolFeedMessage) => {
    for (const fn of [...listeners]) fn(message);
  };
  const usage = usageTracker(ctx.store.ledger);
  let sent: UsageSummary | null = null;
  const readUsage = () => {
    usage.refresh(ctx.now());
    const next = usage.current();
    if (!next || next === sent) return;
    sent = next;
    emit({ type: "usage", usage: next });
  };
  readUsage();
  // The past is read between the loop's other work: shown as soon as it is in, not a tick later.
  void usage.ready().then(readUsage);
  const poll = () => {
    readUsage();
    try {
      for (const row of ctx.store.events.list({ afterId: lastId, limit: 500 })) {
        lastId = row.id;
        const event = rowToEvent(row);
        if (!event) continue;
        events = [...events.slice(-499), event];
        emit({ type: "event", event });
      }
      const next = snapshotNow();
      const text = JSON.stringify({ ...next, at: 0 });
      snapshot = next;
      if (text !== shown) {
        shown = text;
        emit({ type: "snapshot", snapshot: next });
      }
    } catch {
      // a busy store: the next tick reads it
    }
  };
  const timer = setInterval(poll, options.pollMs ?? 1_000);
  timer.unref?.();
  return {
    snapshot: () => snapshot,
    recent: () => events.slice(),
    usage: () => usage.current(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pin: () => Promise.reject(new Error(NO_PROXY_TO_CONTROL)),
    setAutoRotate: () => Promise.reject(new Error(NO_PROXY_TO_CONTROL)),
    // A pause is the profile's, in the store: it needs no proxy, and the next launch (or broker) honours it.
    async setPaused(profile, paused) {
      setProfilePaused(ctx, profile, paused ? { by: null, at: ctx.now() } : null);
      poll();
    },
    close() {
      clearInterval(timer);
      listeners.clear();
    },
  };
}

import type { PoolSnapshot } from "@prodex/core";
import type { AccountCounters } from "@prodex/store/pg";

/** The period the team dashboard's per-account counters cover. */
export const POOL_COUNTERS_MS = 24 * 3_600_000;

/**
 * An instance's pool view with the whole pool's counters: each account's requests, failures and median time to
 * first byte over the last day from the usage ledger (every instance's), in place of what this one instance served
 * since it started. Without a ledger reading yet, the view is left as the instance has it.
 */
export function withPoolCounters(snap: PoolSnapshot, counters: readonly AccountCounters[] | null): PoolSnapshot {
  if (!counters) return snap;
  const by = new Map(counters.map((c) => [c.account, c]));
  return {
    ...snap,
    profiles: snap.profiles.map((p) => {
      const c = by.get(p.name);
      return { ...p, requests: c?.requests ?? 0, errors: c?.errors ?? 0, latencyMs: c?.medianTtfbMs ?? null };
    }),
  };
}

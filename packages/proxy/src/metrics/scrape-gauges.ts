import { effectiveUsed } from "@prodex/core";
import type { ProxyState } from "../engine/proxy-state.ts";
import type { UsageState } from "../pool/pool-runtime.ts";
import type { ScrapeGauges } from "./proxy-metrics.ts";

/** Pure: percent left per profile, window and limit as the pool sees them at `now` (a passed reset is 100). */
export function remainingOf(states: UsageState[], now: number): ScrapeGauges["remaining"] {
  const seen = new Set<string>();
  const out: ScrapeGauges["remaining"] = [];
  for (const s of states)
    for (const w of s.windows) {
      // One series per label set: a limit with two windows of one length keeps its first.
      const id = `${s.name}\u0000${w.label}\u0000${w.limit}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ profile: s.name, window: w.label, limit: w.limit, percent: Math.max(0, 100 - effectiveUsed(w, now)) });
    }
  return out;
}

/** Pure: accounts that cannot take work now because they rest or are out of quota. */
export function restingOf(states: UsageState[]): number {
  return states.filter(({ availability: a }) => !a.ok && (a.why === "quota" || a.why === "resting")).length;
}

/** Pure: accounts their operator paused (exhausted or resting too, a pause is still a pause). */
export function pausedOf(states: UsageState[]): number {
  return states.filter((s) => s.paused).length;
}

/** What a scrape reads from the running proxy. */
export function scrapeGauges(
  state: ProxyState,
  live: { startedAt: number; wsOpen: number; leases: number | null },
): ScrapeGauges {
  const now = state.ctx.now();
  const states = state.pool.usageStates(now);
  const backlog = state.ctx.writes.backlog();
  return {
    remaining: remainingOf(states, now),
    writer: { ops: backlog.ops, lagSeconds: backlog.lagMs / 1000, lost: state.ctx.writes.lost },
    backoffsActive: restingOf(states),
    accountsPaused: pausedOf(states),
    wsOpen: live.wsOpen,
    rssBytes: process.memoryUsage.rss(),
    uptimeSeconds: Math.round((now - live.startedAt) / 1000),
    leases: live.leases,
  };
}

import { effectiveUsed } from "@prodex/core";
import { type Pooled, mainWindows, pooledWindows } from "../engine/pooled-usage.ts";
import type { PoolRuntime } from "../pool/pool-runtime.ts";

// Claude Code reads Anthropic's unified rate-limit headers on every answer: `…-status`, `…-reset`,
// `…-representative-claim` and per window `…-{5h,7d}-utilization` (0–1) and `…-{5h,7d}-reset`
// (epoch seconds; the 2.1.332 limit watchdog reads the reset ones by name). It warns as a window's
// utilization runs ahead of its elapsed time, and stops when the status is `rejected`. Like Codex,
// it is shown the pool as one account (pooledWindows: the ready account with the most room), so it
// never warns while another account has room. Nothing else of the family (overage, slow, grace,
// fallback) is sent: those would turn on client behaviour that has no meaning here.

const PREFIX = "anthropic-ratelimit-unified";

/** The unified headers for a pooled view (pure). None when no window is known. */
export function unifiedRateLimitHeaders(pooled: Pooled, now: number): Record<string, string> {
  const [primary, secondary] = mainWindows(pooled.windows);
  const slots = [
    { w: primary, abbr: "5h", claim: "five_hour" },
    { w: secondary, abbr: "7d", claim: "seven_day" },
  ].filter((s) => s.w !== undefined);
  if (slots.length === 0) return {};
  const out: Record<string, string> = { [`${PREFIX}-status`]: pooled.exhausted ? "rejected" : "allowed" };
  let representative: { used: number; claim: string; resetAt: number | null } | null = null;
  for (const { w, abbr, claim } of slots) {
    if (!w) continue;
    const used = Math.min(100, Math.max(0, effectiveUsed(w, now)));
    out[`${PREFIX}-${abbr}-utilization`] = String(Math.round(used) / 100);
    if (w.resetAt !== null) out[`${PREFIX}-${abbr}-reset`] = String(Math.round(w.resetAt / 1000));
    if (!representative || used > representative.used) representative = { used, claim, resetAt: w.resetAt };
  }
  if (representative) {
    out[`${PREFIX}-representative-claim`] = representative.claim;
    if (representative.resetAt !== null) out[`${PREFIX}-reset`] = String(Math.round(representative.resetAt / 1000));
  }
  return out;
}

/** The pool's room as Claude Code reads it, for an answer going out now. */
export function pooledUnifiedHeaders(pool: PoolRuntime, now: number): Record<string, string> {
  return unifiedRateLimitHeaders(pooledWindows(pool, now), now);
}

import { type UsageWindow, effectiveUsed } from "@prodex/core";
import type { PoolRuntime, UsageState } from "../pool/pool-runtime.ts";

export type Pooled = { profile: string | null; windows: UsageWindow[]; exhausted: boolean };

/**
 * The pool seen as one account: the windows of the ready account with the most headroom (the
 * largest share left in its tightest window), or, when none is ready, of the one that resets
 * first. Codex warns as the share left falls ("less than 50% of your 5h limit left") and, since
 * 0.154, may refuse to submit when it looks exhausted — so it must see what the pool can still
 * give, not the nearly spent account that happens to serve because it resets soonest.
 * Runs on every answer, so it reads `usageStates` (no per-profile latency medians).
 */
export function pooledWindows(pool: PoolRuntime, now: number): Pooled {
  return pickPooled(pool.usageStates(now), now);
}

/** The decision behind `pooledWindows` (pure; the first of equals wins). */
export function pickPooled(states: readonly UsageState[], now: number): Pooled {
  let best: UsageState | null = null;
  let bestLeft = Number.NEGATIVE_INFINITY;
  for (const s of states) {
    if (!s.availability.ok) continue;
    const left = headroom(s.windows, now);
    if (left > bestLeft) {
      best = s;
      bestLeft = left;
    }
  }
  if (best) return { profile: best.name, windows: best.windows, exhausted: false };
  let first: UsageState | null = null;
  let firstReset = Number.POSITIVE_INFINITY;
  for (const s of states) {
    const a = s.availability;
    if (a.ok || a.why === "needs-login" || a.why === "unknown") continue;
    const reset = Math.min(
      a.until ?? Number.POSITIVE_INFINITY,
      ...s.windows.map((w) => w.resetAt ?? Number.POSITIVE_INFINITY),
    );
    if (first === null || reset < firstReset) {
      first = s;
      firstReset = reset;
    }
  }
  if (!first) return { profile: null, windows: [], exhausted: true };
  return { profile: first.name, windows: first.windows, exhausted: true };
}

/** Percent left in the tightest main window; -1 when none is known (known windows win). */
function headroom(windows: UsageWindow[], now: number): number {
  let left = Number.POSITIVE_INFINITY;
  for (const w of windows) if (w.limit === "codex") left = Math.min(left, 100 - effectiveUsed(w, now));
  return left === Number.POSITIVE_INFINITY ? -1 : left;
}

function wireWindow(w: UsageWindow | undefined, now: number) {
  if (!w) return null;
  return {
    used_percent: effectiveUsed(w, now),
    limit_window_seconds: w.windowSeconds,
    reset_after_seconds: w.resetAt === null ? null : Math.max(0, Math.round((w.resetAt - now) / 1000)),
    reset_at: w.resetAt === null ? null : Math.round(w.resetAt / 1000),
  };
}

/** The main limit's windows as Codex numbers them: primary (the 5h one when known), secondary. */
export function mainWindows(windows: UsageWindow[]): [UsageWindow | undefined, UsageWindow | undefined] {
  const main = windows.filter((w) => w.limit === "codex");
  const primary = main.find((w) => w.label === "5h") ?? main[0];
  const secondary = main.find((w) => w !== primary);
  return [primary, secondary];
}

/** `GET wham/usage` answered for the pool (examples/wham-usage.json shape). */
export function pooledUsageBody(pool: PoolRuntime, accountId: string | null, now: number): Record<string, unknown> {
  const { profile, windows, exhausted } = pooledWindows(pool, now);
  const row = profile ? pool.row(profile) : undefined;
  const [primary, secondary] = mainWindows(windows);
  return {
    account_id: accountId ?? row?.accountId ?? null,
    email: row?.email ?? null,
    plan_type: row?.plan ?? "plus",
    rate_limit: {
      allowed: !exhausted,
      limit_reached: exhausted,
      primary_window: wireWindow(primary, now),
      secondary_window: wireWindow(secondary, now),
    },
    credits: null,
    additional_rate_limits: null,
  };
}

/** Rewrites an answer's `x-codex-primary/secondary-*` headers to the pool's view. */
export function applyPooledHeaders(headers: Headers, pool: PoolRuntime, now: number): void {
  const { windows } = pooledWindows(pool, now);
  const [primary, secondary] = mainWindows(windows);
  for (const [slot, w] of [
    ["primary", primary],
    ["secondary", secondary],
  ] as const) {
    if (!w || !headers.has(`x-codex-${slot}-used-percent`)) continue;
    headers.set(`x-codex-${slot}-used-percent`, String(effectiveUsed(w, now)));
    if (w.windowSeconds) headers.set(`x-codex-${slot}-window-minutes`, String(Math.round(w.windowSeconds / 60)));
    if (w.resetAt !== null) {
      headers.set(`x-codex-${slot}-reset-at`, String(Math.round(w.resetAt / 1000)));
      headers.set(`x-codex-${slot}-reset-after-seconds`, String(Math.max(0, Math.round((w.resetAt - now) / 1000))));
    }
  }
}

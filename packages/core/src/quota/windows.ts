import type { QuotaStatus, UsageWindow, WindowLabel } from "./types.ts";
import type { RawWindow, UsageResponse } from "./usage-schema.ts";

const FIVE_HOURS = 5 * 3600;
const WEEK = 7 * 86400;

/** ≈5h and weekly by length (±25%), anything else "other". */
export function labelWindow(seconds: number | null | undefined): WindowLabel {
  if (!seconds) return "other";
  if (Math.abs(seconds - FIVE_HOURS) <= FIVE_HOURS * 0.25) return "5h";
  if (Math.abs(seconds - WEEK) <= WEEK * 0.25) return "weekly";
  return "other";
}

export function toWindow(raw: RawWindow, limit: string, fetchedAt: number): UsageWindow {
  const resetAt =
    raw.reset_at != null
      ? raw.reset_at * 1000
      : raw.reset_after_seconds != null
        ? fetchedAt + raw.reset_after_seconds * 1000
        : null;
  return {
    label: labelWindow(raw.limit_window_seconds),
    usedPercent: raw.used_percent,
    windowSeconds: raw.limit_window_seconds ?? null,
    resetAt,
    limit,
  };
}

/** Every window of the answer: the main Codex limit first, then additional limits. */
export function windowsFromUsage(usage: UsageResponse, fetchedAt: number): UsageWindow[] {
  const out: UsageWindow[] = [];
  const push = (rl: UsageResponse["rate_limit"], limit: string) => {
    if (rl?.primary_window) out.push(toWindow(rl.primary_window, limit, fetchedAt));
    if (rl?.secondary_window) out.push(toWindow(rl.secondary_window, limit, fetchedAt));
  };
  push(usage.rate_limit, "codex");
  for (const extra of usage.additional_rate_limits ?? [])
    push(extra.rate_limit, extra.limit_name ?? extra.metered_feature ?? "other");
  return out;
}

/** Windows as they stand at `now`: one whose reset time has passed counts as fresh (0% used). */
export function effectiveUsed(window: UsageWindow, now: number): number {
  if (window.resetAt !== null && window.resetAt <= now) return 0;
  return window.usedPercent;
}

export const THIN_BELOW = 25;
export const CRITICAL_BELOW = 10;

/** Status from the main limit's windows; no known window → unknown (never exhausted). */
export function quotaStatus(windows: UsageWindow[], now: number): QuotaStatus {
  const main = windows.filter((w) => w.limit === "codex");
  if (main.length === 0) return "unknown";
  const remaining = Math.min(...main.map((w) => 100 - effectiveUsed(w, now)));
  if (remaining <= 0) return "exhausted";
  if (remaining < CRITICAL_BELOW) return "critical";
  if (remaining < THIN_BELOW) return "thin";
  return "ready";
}

/** When an exhausted profile becomes usable again: the latest reset among its full windows. */
export function readyAgainAt(windows: UsageWindow[], now: number): number | null {
  const full = windows.filter((w) => w.limit === "codex" && effectiveUsed(w, now) >= 100);
  if (full.length === 0) return null;
  const resets = full.map((w) => w.resetAt);
  if (resets.some((r) => r === null)) return null;
  return Math.max(...(resets as number[]));
}

export function windowByLabel(windows: UsageWindow[], label: WindowLabel): UsageWindow | undefined {
  return windows.find((w) => w.limit === "codex" && w.label === label);
}

/**
 * Windows from an inference response's `x-codex-primary-*` / `x-codex-secondary-*` headers
 * (examples/codex-ok.headers), so every answer refreshes the profile's quota for free.
 */
export function windowsFromHeaders(headers: Headers, now: number): UsageWindow[] {
  const out: UsageWindow[] = [];
  for (const slot of ["primary", "secondary"] as const) {
    const used = headers.get(`x-codex-${slot}-used-percent`);
    // An empty header is unknown, not 0% used (Number("") is 0).
    if (used === null || used.trim() === "" || Number.isNaN(Number(used))) continue;
    const minutes = Number(headers.get(`x-codex-${slot}-window-minutes`));
    const resetAt = Number(headers.get(`x-codex-${slot}-reset-at`));
    const after = Number(headers.get(`x-codex-${slot}-reset-after-seconds`));
    out.push({
      label: labelWindow(minutes ? minutes * 60 : null),
      usedPercent: Number(used),
      windowSeconds: minutes ? minutes * 60 : null,
      resetAt: resetAt ? resetAt * 1000 : after ? now + after * 1000 : null,
      limit: "codex",
    });
  }
  return out;
}

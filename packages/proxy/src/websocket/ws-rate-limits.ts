// `codex.rate_limits` frames: the websocket's in-band copy of the x-codex-* usage headers
// (Codex's parse_rate_limit_event). The proxy learns the serving account's windows from them
// and shows Codex the pool's, as applyPooledHeaders does on HTTP. Pure.
import { type UsageWindow, effectiveUsed, windowsFromHeaders } from "@prodex/core";
import { isRecord } from "@prodex/guards";

type Slot = { used_percent?: unknown; window_minutes?: unknown; reset_at?: unknown };

export function isRateLimitEvent(json: Record<string, unknown> | null): boolean {
  return json?.type === "codex.rate_limits";
}

/** The main windows an event reports (only for the main "codex" limit). */
export function windowsFromRateLimitEvent(json: Record<string, unknown>, now: number): UsageWindow[] {
  const limit = json.metered_limit_name ?? json.limit_name;
  if (typeof limit === "string" && limit !== "codex") return [];
  const rl = isRecord(json.rate_limits) ? json.rate_limits : null;
  const headers = new Headers();
  for (const slot of ["primary", "secondary"] as const) {
    const raw = rl?.[slot];
    const w: Slot | null = isRecord(raw) ? raw : null;
    if (!w || typeof w.used_percent !== "number") continue;
    headers.set(`x-codex-${slot}-used-percent`, String(w.used_percent));
    if (typeof w.window_minutes === "number") headers.set(`x-codex-${slot}-window-minutes`, String(w.window_minutes));
    if (typeof w.reset_at === "number") headers.set(`x-codex-${slot}-reset-at`, String(w.reset_at));
  }
  return windowsFromHeaders(headers, now);
}

/** The event with its primary/secondary windows replaced by the pool's (`pooled` = pooledWindows().windows). */
export function pooledRateLimitEvent(
  json: Record<string, unknown>,
  pooled: UsageWindow[],
  now: number,
): Record<string, unknown> {
  const rl = isRecord(json.rate_limits) ? json.rate_limits : null;
  const main = pooled.filter((w) => w.limit === "codex");
  if (!rl || main.length === 0) return json;
  const primary = main.find((w) => w.label === "5h") ?? main[0];
  const secondary = main.find((w) => w !== primary);
  const next: Record<string, unknown> = { ...rl };
  for (const [slot, w] of [
    ["primary", primary],
    ["secondary", secondary],
  ] as const) {
    const cur = rl[slot];
    if (!w || !isRecord(cur)) continue;
    next[slot] = {
      ...cur,
      used_percent: effectiveUsed(w, now),
      ...(w.windowSeconds ? { window_minutes: Math.round(w.windowSeconds / 60) } : {}),
      ...(w.resetAt !== null ? { reset_at: Math.round(w.resetAt / 1000) } : {}),
    };
  }
  return { ...json, rate_limits: next };
}

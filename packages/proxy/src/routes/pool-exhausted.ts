import type { PoolSnapshot } from "@prodex/core";

/**
 * Every account this proxy may use is out of quota (or logged out): nothing will serve until a
 * reset, so a client should show the message now instead of retrying for half a minute.
 */
export function poolExhausted(snapshot: PoolSnapshot, stayOn: string | null = null): boolean {
  const usable = usableProfiles(snapshot, stayOn);
  if (usable.length === 0) return false;
  return usable.every((p) => p.needsLogin || p.status === "exhausted" || p.backoff?.reason === "quota");
}

/** Seconds until the earliest account the request may use comes back (its backoff or a window's reset); null when unknown. */
export function earliestResetSeconds(snapshot: PoolSnapshot, now: number, stayOn: string | null = null): number | null {
  let earliest = Number.POSITIVE_INFINITY;
  for (const p of usableProfiles(snapshot, stayOn)) {
    if (p.needsLogin) continue;
    const exhausted = p.windows.flatMap((w) => (w.usedPercent >= 100 && w.resetAt !== null ? [w.resetAt] : []));
    const until = Math.max(p.backoff?.until ?? 0, ...exhausted);
    if (until > now) earliest = Math.min(earliest, until);
  }
  return Number.isFinite(earliest) ? Math.max(1, Math.ceil((earliest - now) / 1000)) : null;
}

/** The accounts a request may use: all, unless the pool or the request's launch (`stayOn`, a no-auto-rotate lease) holds it to one. */
function usableProfiles(snapshot: PoolSnapshot, stayOn: string | null): PoolSnapshot["profiles"] {
  const one = stayOn ?? (snapshot.autoRotate ? null : snapshot.current);
  return one === null ? snapshot.profiles : snapshot.profiles.filter((p) => p.name === one);
}

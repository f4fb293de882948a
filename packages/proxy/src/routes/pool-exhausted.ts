import { type PoolSnapshot, type Unavailable, viewAvailability } from "@prodex/core";

// Read from core's availability (pool/availability.ts): the same "why not, until when" the
// rotation loop, the panel and `prodex quota` use.

/** Why each account the request may use cannot serve; null when one of them can (or there is none). */
function unavailable(snapshot: PoolSnapshot, now: number, stayOn: string | null): Unavailable[] | null {
  const states = usableProfiles(snapshot, stayOn).map((p) => viewAvailability(p, now));
  if (states.length === 0) return null;
  const out: Unavailable[] = [];
  for (const a of states) {
    if (a.ok) return null;
    out.push(a);
  }
  return out;
}

/**
 * Every account this proxy may use is out of quota, logged out or paused by its operator: nothing will serve until a
 * reset or someone acts, so a client should show the message now instead of retrying for half a minute.
 */
export function poolExhausted(snapshot: PoolSnapshot, stayOn: string | null = null): boolean {
  const states = unavailable(snapshot, snapshot.at, stayOn);
  return states?.every((a) => a.why === "needs-login" || a.why === "quota" || a.why === "paused") ?? false;
}

/** The pool's own 503 (local-answers.ts) when nothing comes back by itself: a client is told not to retry. */
export function noRetryAnswer(status: number, snapshot: PoolSnapshot, stayOn: string | null = null): boolean {
  return (status === 429 || status === 503) && poolExhausted(snapshot, stayOn);
}

/** Seconds until the earliest account the request may use comes back (its rest or its reset); null when unknown. */
export function earliestResetSeconds(snapshot: PoolSnapshot, now: number, stayOn: string | null = null): number | null {
  const back = usableProfiles(snapshot, stayOn).flatMap((p) => {
    const a = viewAvailability(p, now);
    return !a.ok && a.until !== null && a.until > now ? [a.until] : [];
  });
  return back.length ? Math.max(1, Math.ceil((Math.min(...back) - now) / 1000)) : null;
}

/** The accounts a request may use: all, unless the pool or the request's launch (`stayOn`, a no-auto-rotate lease) holds it to one. */
function usableProfiles(snapshot: PoolSnapshot, stayOn: string | null): PoolSnapshot["profiles"] {
  const one = stayOn ?? (snapshot.autoRotate ? null : snapshot.current);
  return one === null ? snapshot.profiles : snapshot.profiles.filter((p) => p.name === one);
}

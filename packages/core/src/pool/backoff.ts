import type { RestKind } from "./availability.ts";

// How long an account rests after a failure before the commit point. Pure; the pool keeps the
// history (its last rest and the streak it belonged to) and the store persists it.
//
//   rate limit (transient)  2 s, 4 s, 8 s … ≤ 5 min     (a streak: failures ≤ 60 s after the last rest ended)
//   overload                5 s, 10 s, 20 s … ≤ 5 min
//   auth (refresh failed)   30 s, 1 min, 2 min … ≤ 10 min
//   quota                   until the upstream's reset, else the windows' reset, else 15 min
// The upstream's own word (Retry-After, resets_at) always wins over the schedule.

/** An account's last rest: what the next one grows from. */
export type RestHistory = { streak: number; until: number };

/** Failures this soon after the previous rest ended belong to the same streak. */
export const STREAK_GAP_MS = 60_000;
const QUOTA_FALLBACK_MS = 15 * 60_000;

const SCHEDULE: Record<Exclude<RestKind, "quota">, { base: number; max: number }> = {
  transient: { base: 2_000, max: 300_000 },
  overload: { base: 5_000, max: 300_000 },
  auth: { base: 30_000, max: 600_000 },
};

/** The streak a failure at `now` continues (1: a fresh one). */
export function nextStreak(last: RestHistory | null, now: number): number {
  return last && last.until > now - STREAK_GAP_MS ? last.streak + 1 : 1;
}

/** The scheduled rest for the `streak`-th failure in a row (no word from the upstream). */
export function restMs(kind: Exclude<RestKind, "quota">, streak: number): number {
  const { base, max } = SCHEDULE[kind];
  return Math.min(base * 2 ** Math.min(30, Math.max(0, streak - 1)), max);
}

export type RestInput = {
  kind: RestKind;
  /** When the upstream said the account is back (Retry-After, resets_at), else null. */
  upstreamUntil: number | null;
  streak: number;
  now: number;
  /** Quota only: when the account's full windows reset, if known. */
  windowsReset?: number | null;
};

/** When the account may serve again. */
export function restUntil(input: RestInput): number {
  const { kind, upstreamUntil, now } = input;
  if (upstreamUntil !== null && upstreamUntil > now) return upstreamUntil;
  if (kind === "quota") return input.windowsReset ?? now + QUOTA_FALLBACK_MS;
  return now + restMs(kind, input.streak);
}

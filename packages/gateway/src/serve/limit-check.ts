// Whether a key may send one more request now: its requests this minute and its tokens this UTC day
// (everyone's, as last read from PostgreSQL, plus what this instance admitted since) against its limits.
import type { KeyLimits } from "@prodex/store/pg";

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export type KeyUse = { minuteStart: number; requests: number; dayStart: number; tokens: number };

export type LimitVerdict =
  | { ok: true }
  | { ok: false; limit: "rpm" | "tokens-per-day"; max: number; used: number; resetAt: number }
  /** max: the share (0..1); used and allowance: points of the pool's weekly windows (share-check.ts). */
  | { ok: false; limit: "max-share"; max: number; used: number; allowance: number; resetAt: number };

/** A refusal: which limit, and when the key may send again. */
export type Refused = Extract<LimitVerdict, { ok: false }>;

export const minuteStart = (now: number) => Math.floor(now / MINUTE_MS) * MINUTE_MS;
export const dayStart = (now: number) => Math.floor(now / DAY_MS) * DAY_MS;

export function checkLimits(limits: Pick<KeyLimits, "rpm" | "tokensPerDay">, use: KeyUse, now: number): LimitVerdict {
  const minute = minuteStart(now);
  const requests = use.minuteStart === minute ? use.requests : 0;
  if (limits.rpm !== null && requests >= limits.rpm)
    return { ok: false, limit: "rpm", max: limits.rpm, used: requests, resetAt: minute + MINUTE_MS };
  const day = dayStart(now);
  const tokens = use.dayStart === day ? use.tokens : 0;
  if (limits.tokensPerDay !== null && tokens >= limits.tokensPerDay)
    return { ok: false, limit: "tokens-per-day", max: limits.tokensPerDay, used: tokens, resetAt: day + DAY_MS };
  return { ok: true };
}

/**
 * How many requests an instance may admit on its own view before it must hear the shared count: a tenth of
 * the per-minute limit (at least one). With N instances a key can overshoot by at most N × this before every
 * instance has seen the others' requests.
 */
export function localAllowance(limits: Pick<KeyLimits, "rpm">): number {
  return limits.rpm === null ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(limits.rpm / 10));
}

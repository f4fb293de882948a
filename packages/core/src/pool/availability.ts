import type { UsageWindow } from "../quota/types.ts";
import { quotaStatus, readyAgainAt } from "../quota/windows.ts";

// "Can this account serve, and if not why and until when": one answer, one vocabulary, used by
// selection, the rotation loop, the panel, `prodex quota`, events and error messages.

/** Why an account rests after a failure (the backoff kinds the rotation loop records). */
export type RestKind = "quota" | "transient" | "overload" | "auth";

export type Availability =
  | { ok: true }
  /** No usable ChatGPT login (missing, or its refresh token is dead): only `prodex login` helps. */
  | { ok: false; why: "needs-login"; until: null }
  /** Its usage limit is reached (the upstream said so, or its windows are full). */
  | { ok: false; why: "quota"; until: number | null }
  /** Resting after a failure (rate limit, overload, a token that would not refresh). */
  | { ok: false; why: "resting"; kind: Exclude<RestKind, "quota">; until: number }
  /**
   * Taken out of the pool by its operator (`prodex profile pause`, the dashboards' pause key): never picked for a
   * new conversation; a conversation it already holds keeps going there (rotation/pick.ts).
   */
  | { ok: false; why: "paused"; by: string | null; at: number; until: null }
  /** Not in the pool (deleted meanwhile). */
  | { ok: false; why: "unknown"; until: null };

/** Who paused an account and when (null `by`: nobody said, e.g. a script without a name). */
export type Paused = { by: string | null; at: number };

/** A stored pause (a profile's or a pool account's `paused_at` / `paused_by`), or null when it is in the pool. */
export function pausedFrom(row: { pausedAt: number | null; pausedBy: string | null }): Paused | null {
  return row.pausedAt === null ? null : { by: row.pausedBy, at: row.pausedAt };
}

export type Unavailable = Exclude<Availability, { ok: true }>;

/** What availability reads of an account. */
export type AvailabilityInput = {
  usable: boolean;
  windows: UsageWindow[];
  backoffUntil: number | null;
  backoffReason?: string | null;
  paused?: Paused | null;
};

const READY: Availability = { ok: true };

export function availability(a: AvailabilityInput | undefined, now: number): Availability {
  if (!a) return { ok: false, why: "unknown", until: null };
  if (!a.usable) return { ok: false, why: "needs-login", until: null };
  const resting = a.backoffUntil !== null && a.backoffUntil > now;
  // A usage-limit rest is the upstream's own word: older usage headers arriving later do not lift it.
  if (resting && a.backoffReason === "quota") return { ok: false, why: "quota", until: a.backoffUntil };
  if (quotaStatus(a.windows, now) === "exhausted") {
    return { ok: false, why: "quota", until: readyAgainAt(a.windows, now) ?? (resting ? a.backoffUntil : null) };
  }
  // After a usage limit and a dead login (which no owner can get past) but before a rest: what the operator decided
  // is what every surface shows, and a paused account's owner is tried anyway, as a resting one's is.
  if (a.paused) return { ok: false, why: "paused", by: a.paused.by, at: a.paused.at, until: null };
  if (resting) return { ok: false, why: "resting", kind: restKind(a.backoffReason), until: a.backoffUntil as number };
  return READY;
}

function restKind(reason: string | null | undefined): Exclude<RestKind, "quota"> {
  return reason === "overload" || reason === "auth" ? reason : "transient";
}

const REST_WORDS: Record<Exclude<RestKind, "quota">, string> = {
  transient: "rate limited or briefly failing",
  overload: "upstream overloaded",
  auth: "token refresh failed",
};

/**
 * One short phrase: "needs login", "usage limit reached", "resting (rate limited)", "paused by ann".
 * No time: callers format it.
 */
export function unavailableWhy(a: Unavailable): string {
  switch (a.why) {
    case "needs-login":
      return "needs login";
    case "quota":
      return "usage limit reached";
    case "resting":
      return `resting (${REST_WORDS[a.kind]})`;
    case "paused":
      return a.by ? `paused by ${a.by}` : "paused";
    case "unknown":
      return "not in the pool";
  }
}

/** Availability of a profile as a dashboard snapshot shows it. */
export function viewAvailability(
  p: {
    needsLogin: boolean;
    windows: UsageWindow[];
    backoff: { reason: string; until: number } | null;
    paused?: Paused | null;
  },
  now: number,
): Availability {
  return availability(
    {
      usable: !p.needsLogin,
      windows: p.windows,
      backoffUntil: p.backoff?.until ?? null,
      backoffReason: p.backoff?.reason ?? null,
      paused: p.paused ?? null,
    },
    now,
  );
}

/** "ready", or why not and until when: "usage limit reached until 2026-12-07T09:00:00Z". */
export function describeAvailability(a: Availability, when: (at: number) => string): string {
  if (a.ok) return "ready";
  return a.until === null ? unavailableWhy(a) : `${unavailableWhy(a)} until ${when(a.until)}`;
}

/**
 * A rest worth waiting out when nothing else can serve: a rate limit, or a usage limit whose
 * reset is known and moments away. An overload or a failing login is not worth holding the client for.
 */
export function isBriefRest(
  a: Availability,
  now: number,
  maxWaitMs: number,
): a is Extract<Unavailable, { why: "resting" | "quota" }> & { until: number } {
  if (a.ok || a.until === null || a.until - now > maxWaitMs) return false;
  return (a.why === "resting" && a.kind === "transient") || a.why === "quota";
}

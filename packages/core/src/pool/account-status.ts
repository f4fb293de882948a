import type { QuotaStatus, UsageWindow } from "../quota/types.ts";
import { quotaStatus } from "../quota/windows.ts";
import { formatAgo, formatDuration } from "../text/durations.ts";
import { type Availability, type Paused, type Unavailable, unavailableWhy, viewAvailability } from "./availability.ts";

// One account's status as every surface says it — the dashboard's panel and pool view, `prodex
// quota` (terminal, pipe, --json), `prodex info`: a label, a tone, and for an account that cannot
// serve, availability's reason and until-when. Nothing else decides "exhausted / resting / needs login".

/** The label of an account that can serve: how much room its main limit has left. */
export const STATUS_TEXT: Record<QuotaStatus, string> = {
  ready: "Ready",
  thin: "Thin",
  critical: "Critical",
  exhausted: "Exhausted",
  unknown: "Unknown",
};
export const NEEDS_LOGIN_TEXT = "Needs login";

const UNAVAILABLE_TEXT: Record<Unavailable["why"], string> = {
  "needs-login": NEEDS_LOGIN_TEXT,
  quota: STATUS_TEXT.exhausted,
  resting: "Resting",
  paused: "Paused",
  unknown: "Not in pool",
};

/** Named colours; each renderer maps them to its own palette. */
export type StatusTone = "green" | "yellow" | "red" | "gray";

const QUOTA_TONE: Record<QuotaStatus, StatusTone> = {
  ready: "green",
  thin: "yellow",
  critical: "red",
  exhausted: "red",
  unknown: "gray",
};
const UNAVAILABLE_TONE: Record<Unavailable["why"], StatusTone> = {
  "needs-login": "red",
  quota: "red",
  resting: "yellow",
  paused: "yellow",
  unknown: "gray",
};

export type AccountStatus = {
  /** "ready", or availability's why: "needs-login" | "quota" | "resting" | "paused" | "unknown". */
  state: "ready" | Unavailable["why"];
  /** The main limit's room (thin, critical… for an account that can serve). */
  quota: QuotaStatus;
  /** "Ready", "Thin", "Critical", "Unknown"; "Needs login", "Exhausted", "Resting", "Paused", "Not in pool". */
  label: string;
  tone: StatusTone;
  /** Why it cannot serve — availability's phrase ("usage limit reached", "resting (upstream overloaded)"); null when it can. */
  reason: string | null;
  /** When it can serve again; null when it can now, or nobody knows. */
  until: number | null;
  /** Since when it has been paused; null when it is not. */
  since: number | null;
  /**
   * Time first (narrow panels cut the tail): "back in 2h 5m: usage limit reached", "paused 5m 3s ago by key ann";
   * null when it can serve.
   */
  note: string | null;
  availability: Availability;
};

/** What the status reads of an account; a dashboard `ProfileView` is one. */
export type AccountStatusInput = {
  needsLogin: boolean;
  windows: UsageWindow[];
  backoff?: { reason: string; until: number } | null;
  paused?: Paused | null;
};

export function accountStatus(p: AccountStatusInput, now: number): AccountStatus {
  const a = viewAvailability(
    { needsLogin: p.needsLogin, windows: p.windows, backoff: p.backoff ?? null, paused: p.paused ?? null },
    now,
  );
  const quota = quotaStatus(p.windows, now);
  if (a.ok)
    return {
      state: "ready",
      quota,
      label: STATUS_TEXT[quota],
      tone: QUOTA_TONE[quota],
      reason: null,
      until: null,
      since: null,
      note: null,
      availability: a,
    };
  const reason = unavailableWhy(a);
  const until = a.until !== null && a.until > now ? a.until : null;
  const since = a.why === "paused" ? a.at : null;
  return {
    state: a.why,
    quota,
    label: UNAVAILABLE_TEXT[a.why],
    tone: UNAVAILABLE_TONE[a.why],
    reason,
    until,
    since,
    note: noteOf(a, reason, until, now),
    availability: a,
  };
}

/** A pause has no end, so it says since when, then who (when someone said): "paused 5m 3s ago by key ann". */
function noteOf(a: Unavailable, reason: string, until: number | null, now: number): string {
  if (a.why === "paused") return `paused ${formatAgo(a.at, now)}${a.by ? ` by ${a.by}` : ""}`;
  return until === null ? reason : `back in ${formatDuration(until - now)}: ${reason}`;
}

import { type AccountStatus, accountStatus } from "../pool/account-status.ts";
import type { Paused } from "../pool/availability.ts";
import { formatAgo, formatInstant, formatReset } from "../text/durations.ts";
import type { QuotaStatus, UsageWindow } from "./types.ts";
import { effectiveUsed } from "./windows.ts";

// One profile's quota as every table shows it — `prodex quota` on a terminal and in a pipe,
// `prodex info`, the dashboard's pool view. Pure: renderers only lay the row out and colour it.
// Convention: percentages are USED (0 once a window's reset has passed), like the bars that fill
// as an account works; times follow text/durations.ts.

export const QUOTA_HEADERS = { fiveHour: "5H USED", weekly: "WEEKLY USED" } as const;

/** What a row needs; a dashboard `ProfileView` is one. */
export type QuotaRowInput = {
  name: string;
  current: boolean;
  plan: string | null;
  needsLogin: boolean;
  windows: UsageWindow[];
  /** When the windows were read; null when never. */
  fetchedAt: number | null;
  /** The account's rest after a failure, when the caller knows it (the dashboard does). */
  backoff?: { reason: string; until: number } | null;
  /** Taken out of the pool by its operator. */
  paused?: Paused | null;
};

export type QuotaCell = {
  /** 0–100, clamped; 0 once the reset has passed. */
  usedPercent: number;
  resetAt: number | null;
  /** "2h 5m" / "now" / "" when unknown; with `detail`, the local time instead ("14:05", "Mar 3 14:05"). */
  reset: string;
};

export type QuotaRow = {
  name: string;
  current: boolean;
  plan: string | null;
  /** The main limit's room (documented `status` of --json). */
  status: QuotaStatus;
  needsLogin: boolean;
  /** Availability's label: "Ready" … "Unknown", or "Needs login", "Exhausted", "Resting". */
  statusText: string;
  /** The whole status (tone, reason, until) from pool/account-status.ts. */
  account: AccountStatus;
  /** The main limit's 5-hour window (or its only non-weekly one); null when not known. */
  fiveHour: QuotaCell | null;
  weekly: QuotaCell | null;
  /** "3m ago", "just now", "never". */
  checked: string;
};

/** The main (Codex) limit's short window, weekly window, and the additional limits' windows. */
export function mainWindows(windows: UsageWindow[]): {
  primary?: UsageWindow;
  weekly?: UsageWindow;
  others: UsageWindow[];
} {
  const main = windows.filter((w) => w.limit === "codex");
  const primary = main.find((w) => w.label === "5h") ?? main.find((w) => w.label !== "weekly");
  const weekly = main.find((w) => w.label === "weekly");
  return { primary, weekly, others: windows.filter((w) => w !== primary && w !== weekly) };
}

/** One window's cell; the dashboard's bars and panel lines use it too. */
export function quotaCell(w: UsageWindow, now: number, detail = false): QuotaCell {
  const usedPercent = Math.min(100, Math.max(0, effectiveUsed(w, now)));
  const reset =
    w.resetAt === null ? "" : detail && w.resetAt > now ? formatInstant(w.resetAt, now) : formatReset(w.resetAt, now);
  return { usedPercent, resetAt: w.resetAt, reset };
}

export function quotaRow(p: QuotaRowInput, now: number, o: { detail?: boolean } = {}): QuotaRow {
  const { primary, weekly } = mainWindows(p.windows);
  const account = accountStatus(p, now);
  return {
    name: p.name,
    current: p.current,
    plan: p.plan,
    status: account.quota,
    needsLogin: p.needsLogin,
    statusText: account.label,
    account,
    fiveHour: primary ? quotaCell(primary, now, o.detail) : null,
    weekly: weekly ? quotaCell(weekly, now, o.detail) : null,
    checked: p.fetchedAt === null ? "never" : formatAgo(p.fetchedAt, now),
  };
}

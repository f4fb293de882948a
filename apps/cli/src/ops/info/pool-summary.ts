import { type AccountStatus, type UsageWindow, effectiveUsed, windowByLabel } from "@prodex/core";

// `prodex info`'s pool figures. Pure: the caller reads snapshots from the store.
//
// Pooled remaining = the SUM of each serving profile's remaining percent for a window, in
// "account-percent" (three fresh accounts = 300%); the average is that sum over the profiles.
// Burn rate = account-percent consumed per hour across the pool, from the usage snapshot
// history of the last LOOKBACK_MS (idle time counts: the rate falls when nobody works).
// Runs out = now + remaining / rate, NOT counting quota that resets in between (a lower bound).

export const LOOKBACK_MS = 6 * 3_600_000;
/** Less history than this gives no rate (two snapshots a minute apart say nothing). */
export const MIN_SPAN_MS = 10 * 60_000;

export type Snapshot = { fetchedAt: number; windows: UsageWindow[] };
export type PoolProfile = { name: string; usable: boolean; latest: Snapshot | null; history: Snapshot[] };
export type Label = "5h" | "weekly";

export type PoolWindow = {
  label: Label;
  profiles: number;
  remainingPercent: number;
  capacityPercent: number;
  averageRemainingPercent: number | null;
  burnPercentPerHour: number | null;
  runsOutAt: number | null;
  nextResetAt: number | null;
};

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Account-percent consumed per hour over `history` (all profiles), or null without enough of it. */
export function burnRate(histories: Snapshot[][], label: Label, now: number, lookbackMs = LOOKBACK_MS): number | null {
  let consumed = 0;
  let earliest = Number.POSITIVE_INFINITY;
  let pairs = 0;
  for (const history of histories) {
    const points = history
      .filter((s) => s.fetchedAt >= now - lookbackMs && s.fetchedAt <= now)
      .map((s) => ({ at: s.fetchedAt, w: windowByLabel(s.windows, label) }))
      .filter((p): p is { at: number; w: UsageWindow } => p.w !== undefined)
      .sort((a, b) => a.at - b.at);
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as (typeof points)[number];
      const b = points[i] as (typeof points)[number];
      earliest = Math.min(earliest, a.at);
      pairs++;
      if (b.w.usedPercent >= a.w.usedPercent) consumed += b.w.usedPercent - a.w.usedPercent;
      // A drop is a new window only when the old one's reset had passed; otherwise it is noise
      // between header and live readings, not negative work.
      else if (a.w.resetAt !== null && a.w.resetAt <= b.at) consumed += b.w.usedPercent;
    }
  }
  if (pairs === 0 || now - earliest < MIN_SPAN_MS) return null;
  return consumed / ((now - earliest) / 3_600_000);
}

export function poolWindow(profiles: PoolProfile[], label: Label, now: number): PoolWindow {
  const serving = profiles.flatMap((p) => {
    const w = p.usable && p.latest ? windowByLabel(p.latest.windows, label) : undefined;
    return w ? [w] : [];
  });
  const remaining = serving.reduce((sum, w) => sum + Math.max(0, 100 - effectiveUsed(w, now)), 0);
  const rate = burnRate(
    profiles.filter((p) => p.usable).map((p) => p.history),
    label,
    now,
  );
  const resets = serving.map((w) => w.resetAt).filter((r): r is number => r !== null && r > now);
  const runsOutAt = rate && rate > 0 && serving.length > 0 ? now + Math.round((remaining / rate) * 3_600_000) : null;
  return {
    label,
    profiles: serving.length,
    remainingPercent: round(remaining),
    capacityPercent: serving.length * 100,
    averageRemainingPercent: serving.length ? round(remaining / serving.length) : null,
    burnPercentPerHour: rate === null ? null : round(rate, 2),
    runsOutAt,
    nextResetAt: resets.length ? Math.min(...resets) : null,
  };
}

export type PoolCounts = {
  profiles: number;
  ready: number;
  exhausted: number;
  resting: number;
  paused: number;
  needsLogin: number;
};

/** The profiles by core's availability (the quota rows' account status): the same words as the table above. */
export function poolCounts(rows: { account: Pick<AccountStatus, "state"> }[]): PoolCounts {
  const by = (state: AccountStatus["state"]) => rows.filter((r) => r.account.state === state).length;
  return {
    profiles: rows.length,
    ready: by("ready"),
    exhausted: by("quota"),
    resting: by("resting"),
    paused: by("paused"),
    needsLogin: by("needs-login"),
  };
}

/** The earlier of the windows' run-out times (the pool is out when either window is). */
export function poolRunsOut(windows: PoolWindow[]): number | null {
  const times = windows.map((w) => w.runsOutAt).filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

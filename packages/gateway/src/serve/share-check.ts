// `--max-share F`: no key may use more than F of the pool's remaining weekly room.
//
// Measured in points of the accounts' weekly windows (an account's window holds 100; a pool of three, 300).
// A key's use K is its estimated part of every account's weekly window in the window's current period — core's
// window-shares.ts, the same estimate `prodex gateway usage` shows (its share of the tokens the account served in
// the period, times how full the window is), on every account, a paused one included: what it took there is still
// taken. The room R is what the windows have left on the accounts that can take new work (takesNewWork: not paused,
// not waiting for a login); a paused account's room is no room for anyone. The key may go on while
//
//     K < F × (R + K)
//
// that is, while it has taken less than F of the room there was for it: what is left plus what it took itself. At
// the window's start (K = 0, R = the pool's whole room) its allowance is F × the pool's room; what the other keys
// use shrinks it, as the room it is a share of shrinks. A refused key's reset is the first weekly reset after which
// the rule lets it in again (each reset empties that account's window: its room back, the key's part of it gone).
import type { WindowShares } from "@prodex/core";
import type { LimitVerdict } from "./limit-check.ts";

const WEEK_MS = 7 * 86_400_000;

/** One account's weekly window as the rule reads it. */
export type WeeklyUse = {
  account: string;
  /** How full the window is (0..100). */
  usedPercent: number;
  /** The key's estimated part of that. */
  keyPercent: number;
  /** When the window's period ends. */
  resetAt: number;
  /** Points of the window per token the account served in the period (null: no tokens to tell). */
  pointsPerToken: number | null;
  /** Whether the account can take new work: only then does its room count. */
  open: boolean;
};

/** An account whose room the rule divides: one that can take new work (not paused, not waiting for a login). */
export const takesNewWork = (a: { pausedAt: number | null; needsLogin: boolean }): boolean =>
  a.pausedAt === null && !a.needsLogin;

/** Tokens an instance served since its last reading, on one account: the key's own and everyone's. */
export type LocalTokens = { key: number; all: number };

/** The weekly windows of `windowShares` as `key` sees them; `open`: the accounts that can take new work. */
export function keyWeekly(windows: readonly WindowShares[], key: string, open: ReadonlySet<string>): WeeklyUse[] {
  return windows
    .filter((w) => w.window === "weekly")
    .map((w) => {
      const tokens = w.keys.reduce((n, k) => n + k.tokens, 0);
      return {
        account: w.account,
        usedPercent: w.usedPercent,
        keyPercent: w.keys.find((k) => k.key === key)?.usedPercent ?? 0,
        resetAt: w.resetAt ?? w.periodStart + WEEK_MS,
        pointsPerToken: tokens > 0 ? w.usedPercent / tokens : null,
        open: open.has(w.account),
      };
    });
}

/**
 * The reading plus what this instance served since it (tokens at the account's points per token; an account that
 * served none in the period yet borrows the pool's mean rate): the estimate between two readings.
 */
export function withLocal(weeks: readonly WeeklyUse[], local: ReadonlyMap<string, LocalTokens>): WeeklyUse[] {
  const rates = weeks.flatMap((w) => (w.pointsPerToken === null ? [] : [w.pointsPerToken]));
  const mean = rates.length ? rates.reduce((n, r) => n + r, 0) / rates.length : 0;
  return weeks.map((w) => {
    const t = local.get(w.account);
    if (!t) return w;
    const rate = w.pointsPerToken ?? mean;
    return {
      ...w,
      usedPercent: Math.min(100, w.usedPercent + t.all * rate),
      keyPercent: Math.min(100, w.keyPercent + t.key * rate),
    };
  });
}

const over = (maxShare: number, weeks: readonly WeeklyUse[]) => {
  const used = weeks.reduce((n, w) => n + w.keyPercent, 0);
  const room = weeks.reduce((n, w) => n + (w.open ? Math.max(0, 100 - w.usedPercent) : 0), 0);
  return { refused: used > 0 && used >= maxShare * (room + used), used, allowance: maxShare * (room + used) };
};

export function checkShare(maxShare: number, weeks: readonly WeeklyUse[]): LimitVerdict {
  const now = over(maxShare, weeks);
  if (!now.refused) return { ok: true };
  const byReset = [...weeks].sort((a, b) => a.resetAt - b.resetAt);
  let resetAt = byReset.at(-1)?.resetAt ?? 0;
  for (let i = 1; i <= byReset.length; i++) {
    const after = byReset.map((w, j) => (j < i ? { ...w, usedPercent: 0, keyPercent: 0 } : w));
    if (!over(maxShare, after).refused) {
      resetAt = byReset[i - 1]?.resetAt ?? resetAt;
      break;
    }
  }
  return { ok: false, limit: "max-share", max: maxShare, used: now.used, allowance: now.allowance, resetAt };
}

// Who used an account's 5-hour and weekly windows. The upstream says only how full each window is
// (`usedPercent`, from the account's own usage readings); the ledger says who sent what to it. A key's
// estimated share of a window is its part of the tokens (input + output) the account served since the
// window's current period began, times how full the window is: 60 % of the tokens on a window 50 % used
// is an estimated 30 points. The upstream weighs models and cache hits its own way, so it is an
// estimate; when the ledger holds no tokens for the period, requests stand in for them.
import type { StoredWindow } from "@prodex/store";
import type { LedgerEntry } from "./ledger-totals.ts";

export type ShareWindow = "5h" | "weekly";

const DEFAULT_SECONDS: Record<ShareWindow, number> = { "5h": 5 * 3_600, weekly: 7 * 86_400 };

export type KeyShare = {
  key: string;
  requests: number;
  tokens: number;
  /** Of the account's tokens in the window's period, 0..1. */
  share: number;
  /** Estimated points of the window this key used (share × the window's used percent). */
  usedPercent: number;
};

export type WindowShares = {
  account: string;
  window: ShareWindow;
  /** How full the window is, from the account's newest usage reading. */
  usedPercent: number;
  /** Epoch ms the window's current period began (its reset minus its length), and when it resets. */
  periodStart: number;
  resetAt: number | null;
  keys: KeyShare[];
};

export type AccountWindows = { name: string; windows: readonly StoredWindow[] };

/** What the estimate reads of a ledger row; `requests` when one row sums several (a database's GROUP BY). */
export type ShareEntry = Pick<LedgerEntry, "at" | "caller" | "profile" | "inputTokens" | "outputTokens"> & {
  requests?: number;
};

/** An account's window of a kind: Codex's own limit first (an account may report others beside it). */
export function pickWindow(windows: readonly StoredWindow[], label: ShareWindow): StoredWindow | undefined {
  return windows.find((w) => w.label === label && w.limit === "codex") ?? windows.find((w) => w.label === label);
}

/** When the window's current period began: its reset minus its length, else its length back from now. */
export function periodStart(
  window: Pick<StoredWindow, "resetAt" | "windowSeconds">,
  label: ShareWindow,
  now: number,
): number {
  const seconds = window.windowSeconds ?? DEFAULT_SECONDS[label];
  return window.resetAt !== null ? window.resetAt - seconds * 1_000 : now - seconds * 1_000;
}

export function windowShares(
  rows: readonly ShareEntry[],
  accounts: readonly AccountWindows[],
  now: number,
): WindowShares[] {
  const out: WindowShares[] = [];
  for (const account of accounts) {
    for (const label of ["5h", "weekly"] as const) {
      const window = pickWindow(account.windows, label);
      if (!window) continue;
      const start = periodStart(window, label, now);
      const per = new Map<string, { requests: number; tokens: number }>();
      for (const r of rows) {
        if (r.profile !== account.name || r.at < start) continue;
        const k = per.get(r.caller) ?? { requests: 0, tokens: 0 };
        k.requests += r.requests ?? 1;
        k.tokens += r.inputTokens + r.outputTokens;
        per.set(r.caller, k);
      }
      const tokens = [...per.values()].reduce((n, k) => n + k.tokens, 0);
      const requests = [...per.values()].reduce((n, k) => n + k.requests, 0);
      const keys = [...per.entries()].map(([key, k]) => {
        const share = tokens > 0 ? k.tokens / tokens : requests > 0 ? k.requests / requests : 0;
        return { key, requests: k.requests, tokens: k.tokens, share, usedPercent: share * window.usedPercent };
      });
      keys.sort((a, b) => b.share - a.share || a.key.localeCompare(b.key));
      out.push({
        account: account.name,
        window: label,
        usedPercent: window.usedPercent,
        periodStart: start,
        resetAt: window.resetAt,
        keys,
      });
    }
  }
  return out;
}

/** The pool's room in aggregate, per window: the mean percent left over the accounts that report it (what a user key sees). */
export function poolRoom(accounts: readonly AccountWindows[]): Record<ShareWindow, number | null> {
  const room = (label: ShareWindow): number | null => {
    const left = accounts.flatMap((a) => {
      const w = pickWindow(a.windows, label);
      return w ? [Math.max(0, 100 - w.usedPercent)] : [];
    });
    return left.length ? left.reduce((n, x) => n + x, 0) / left.length : null;
  };
  return { "5h": room("5h"), weekly: room("weekly") };
}

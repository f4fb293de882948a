// What the loop does after an attempt failed, or when nobody could be picked. Pure: the same
// failure gets the same answer on HTTP and on the websocket.
import { type Availability, isBriefRest } from "@prodex/core";
import type { FailureVerdict, RestRequest, RotationPolicy } from "./ports.ts";

/** What the loop remembers of one request's attempts so far. */
export type Memo = {
  /** Accounts whose token was refreshed after a 401 (once each). */
  refreshed: ReadonlySet<string>;
  /** Accounts sent the request without encrypted reasoning (once each). */
  bare: ReadonlySet<string>;
  /** The one free reconnect was used. */
  reconnected: boolean;
  waits: number;
  startedAt: number;
  /** false: a failure ends the request (--no-auto-rotate). */
  mayRotate: boolean;
};

export type Happened =
  | { kind: "failed"; name: string; verdict: FailureVerdict }
  | { kind: "rejected-reasoning"; name: string }
  | { kind: "reconnect"; name: string; reason: string }
  /** The token could not be had. `needsLogin`: the login is dead, not just the token endpoint. */
  | { kind: "token-failed"; name: string; reason: string; needsLogin: boolean }
  /** The token could not be had because something prodex needs is down (the gateway's database), not the account. */
  | { kind: "dependency-down"; name: string; reason: string }
  /** Nobody can serve now; `soonest` is the account back first, if any. */
  | { kind: "none"; soonest: { name: string; why: Availability } | null };

export type Decision =
  | { kind: "retry-same"; why: "refresh" | "bare" | "reconnect"; reason: string }
  /** Rest the account (or mark its login dead; null: the account is not at fault), then try another. */
  | { kind: "rotate"; rest: RestRequest | "needs-login" | null }
  | { kind: "wait-for-rest"; name: string; ms: number }
  /** Stop. `rest`: what the failed account gets first, if anything. */
  | { kind: "give-up"; rest: RestRequest | "needs-login" | null; why: string };

export function decide(what: Happened, memo: Memo, policy: RotationPolicy, now: number): Decision {
  switch (what.kind) {
    case "none": {
      const soon = what.soonest;
      if (!soon || !(soon.why.ok || isBriefRest(soon.why, now, policy.maxWaitMs)))
        return { kind: "give-up", rest: null, why: "no account can serve" };
      const ms = soon.why.ok ? 0 : Math.max(0, soon.why.until - now);
      if (memo.waits >= policy.maxWaits) return { kind: "give-up", rest: null, why: "waited enough" };
      if (now + ms - memo.startedAt > policy.budgetMs)
        return { kind: "give-up", rest: null, why: "the wait would outlast the budget" };
      return { kind: "wait-for-rest", name: soon.name, ms };
    }
    case "rejected-reasoning":
      if (!memo.bare.has(what.name))
        return { kind: "retry-same", why: "bare", reason: "reasoning this account cannot read" };
      return move(
        { kind: "transient", reason: "refused the request even without encrypted reasoning", until: null },
        memo,
      );
    case "reconnect":
      if (!memo.reconnected) return { kind: "retry-same", why: "reconnect", reason: what.reason };
      return move({ kind: "transient", reason: what.reason, until: null }, memo);
    case "token-failed":
      // A dead login is final; a refresh that failed for now rests the account like any auth failure.
      return move(what.needsLogin ? "needs-login" : { kind: "auth", reason: what.reason, until: null }, memo);
    case "dependency-down":
      // Another account may hold a token good without the missing dependency; this one is left as it is.
      return move(null, memo);
    case "failed": {
      const v = what.verdict;
      if (v.action === "refresh") {
        if (!memo.refreshed.has(what.name)) return { kind: "retry-same", why: "refresh", reason: v.reason };
        // A second 401, after a refresh: the login itself is the problem.
        return move({ kind: "auth", reason: `${v.reason} after a token refresh`, until: null }, memo);
      }
      return move({ kind: v.kind, reason: v.reason, until: v.until }, memo);
    }
  }
}

function move(rest: RestRequest | "needs-login" | null, memo: Memo): Decision {
  return memo.mayRotate ? { kind: "rotate", rest } : { kind: "give-up", rest, why: "auto-rotate is off" };
}

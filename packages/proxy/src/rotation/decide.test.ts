import { describe, expect, test } from "bun:test";
import { type Decision, type Happened, type Memo, decide } from "./decide.ts";
import type { RotationPolicy } from "./ports.ts";

const NOW = 1_800_000_000_000;
const POLICY: RotationPolicy = { maxAttempts: 6, budgetMs: 60_000, maxWaitMs: 10_000, maxWaits: 3 };
const memo = (extra: Partial<Memo> = {}): Memo => ({
  refreshed: new Set(),
  bare: new Set(),
  reconnected: false,
  waits: 0,
  startedAt: NOW,
  mayRotate: true,
  ...extra,
});
const rate = { ok: false, why: "resting", kind: "transient", until: NOW + 3_000 } as const;

describe("decide", () => {
  const cases: [string, Happened, Memo, Decision][] = [
    [
      "a 401: refresh and retry the same account",
      { kind: "failed", name: "p1", verdict: { action: "refresh", reason: "401" } },
      memo(),
      { kind: "retry-same", why: "refresh", reason: "401" },
    ],
    [
      "a 401 after a refresh: rest as auth",
      { kind: "failed", name: "p1", verdict: { action: "refresh", reason: "401" } },
      memo({ refreshed: new Set(["p1"]) }),
      { kind: "rotate", rest: { kind: "auth", reason: "401 after a token refresh", until: null } },
    ],
    [
      "a usage limit: rotate with the upstream's reset",
      { kind: "failed", name: "p1", verdict: { action: "rotate", kind: "quota", reason: "limit", until: NOW + 9 } },
      memo(),
      { kind: "rotate", rest: { kind: "quota", reason: "limit", until: NOW + 9 } },
    ],
    [
      "without auto-rotate a failure gives up, resting the account",
      { kind: "failed", name: "p1", verdict: { action: "rotate", kind: "overload", reason: "500", until: null } },
      memo({ mayRotate: false }),
      { kind: "give-up", rest: { kind: "overload", reason: "500", until: null }, why: "auto-rotate is off" },
    ],
    [
      "unreadable reasoning: retry bare",
      { kind: "rejected-reasoning", name: "p1" },
      memo(),
      { kind: "retry-same", why: "bare", reason: "reasoning this account cannot read" },
    ],
    [
      "unreadable reasoning, bare already: rest and move",
      { kind: "rejected-reasoning", name: "p1" },
      memo({ bare: new Set(["p1"]) }),
      {
        kind: "rotate",
        rest: { kind: "transient", reason: "refused the request even without encrypted reasoning", until: null },
      },
    ],
    [
      "a socket that ended by itself: one free reconnect",
      { kind: "reconnect", name: "p1", reason: "idle" },
      memo(),
      { kind: "retry-same", why: "reconnect", reason: "idle" },
    ],
    [
      "a second one: rest as transient",
      { kind: "reconnect", name: "p1", reason: "idle" },
      memo({ reconnected: true }),
      { kind: "rotate", rest: { kind: "transient", reason: "idle", until: null } },
    ],
    [
      "token endpoint down: rest as auth (same on both transports)",
      { kind: "token-failed", name: "p1", reason: "down", needsLogin: false },
      memo(),
      { kind: "rotate", rest: { kind: "auth", reason: "down", until: null } },
    ],
    [
      "the gateway's database is down (the token cannot be had): move on, no rest",
      { kind: "dependency-down", name: "p1", reason: "database down" },
      memo(),
      { kind: "rotate", rest: null },
    ],
    [
      "the same without auto-rotate: give up, no rest",
      { kind: "dependency-down", name: "p1", reason: "database down" },
      memo({ mayRotate: false }),
      { kind: "give-up", rest: null, why: "auto-rotate is off" },
    ],
    [
      "dead login: needs login",
      { kind: "token-failed", name: "p1", reason: "reused", needsLogin: true },
      memo(),
      { kind: "rotate", rest: "needs-login" },
    ],
    [
      "nobody, nobody resting: give up",
      { kind: "none", soonest: null },
      memo(),
      { kind: "give-up", rest: null, why: "no account can serve" },
    ],
    [
      "nobody, a rate limit ends in 3 s: wait",
      { kind: "none", soonest: { name: "p1", why: rate } },
      memo(),
      { kind: "wait-for-rest", name: "p1", ms: 3_000 },
    ],
    [
      "nobody, but three waits already",
      { kind: "none", soonest: { name: "p1", why: rate } },
      memo({ waits: 3 }),
      { kind: "give-up", rest: null, why: "waited enough" },
    ],
    [
      "nobody, the wait would outlast the budget",
      { kind: "none", soonest: { name: "p1", why: rate } },
      memo({ startedAt: NOW - 58_000 }),
      { kind: "give-up", rest: null, why: "the wait would outlast the budget" },
    ],
    [
      "nobody, an overload resting: give up",
      { kind: "none", soonest: { name: "p1", why: { ...rate, kind: "overload" } } },
      memo(),
      { kind: "give-up", rest: null, why: "no account can serve" },
    ],
    [
      "nobody, a rate limit 11 s away: give up",
      { kind: "none", soonest: { name: "p1", why: { ...rate, until: NOW + 11_000 } } },
      memo(),
      { kind: "give-up", rest: null, why: "no account can serve" },
    ],
  ];
  test.each(cases)("%s", (_, happened, m, expected) => {
    expect(decide(happened, m, POLICY, NOW)).toEqual(expected);
  });
});

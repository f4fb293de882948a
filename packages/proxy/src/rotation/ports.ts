// What the rotation loop (rotate.ts) needs of the world, and nothing more. The in-process proxy
// backs these with PoolRuntime, the TokenManager and real fetch/websocket attempts; a gateway can
// back `pool` and `tokens` with a shared database without touching the loop. Tests back them
// with tables and a fake clock.
import type { Candidate, ChatgptAuth, RestKind, Unavailable } from "@prodex/core";
import type { Verdict } from "./classify.ts";

/** A value now (the local pool) or later (a shared database): the loop awaits only real promises. */
export type MaybePromise<T> = T | Promise<T>;

/** The pool as the loop reads it: what selection ranks, plus the operator's controls. */
export type PoolView = {
  candidates: readonly Candidate[];
  /** The account new work went to last. */
  current: string | null;
  /** The operator's pin: used whenever it can serve. */
  pinned: string | null;
  /** false: requests stay on `current` (the operator paused rotation). */
  autoRotate: boolean;
};

/** A failure's rest as the upstream described it; the pool turns it into a rest with backoff.ts. */
export type RestRequest = {
  kind: RestKind;
  /** One line for events and errors (never a secret). */
  reason: string;
  /** When the upstream said the account is back (Retry-After, a usage reset), else null. */
  until: number | null;
};

/**
 * Pool state. Reads are synchronous: a shared pool serves them from the view it keeps current.
 * Writes may be asynchronous; the loop awaits them only when they return a promise.
 */
export interface PoolPort {
  view(): PoolView;
  /** New work goes to `name` now (an event when that changes). */
  select(name: string, reason: string): MaybePromise<void>;
  /** Rests `name` after a failure before commit; resolves to when it may serve again. */
  rest(name: string, rest: RestRequest): MaybePromise<number>;
  /** The login is dead (refresh token rejected): only `prodex login` brings it back. */
  needsLogin(name: string): MaybePromise<void>;
}

/**
 * An account's tokens. Errors: core's AuthError (`needsLogin` when the login is dead), DependencyDownError when
 * something the token needs is down (the gateway's database), which is not the account's fault.
 */
export interface TokenPort {
  current(name: string): Promise<ChatgptAuth>;
  /** The upstream rejected `rejectedAccessToken` (a 401): refresh unless someone already did. */
  afterUnauthorized(name: string, rejectedAccessToken: string): Promise<ChatgptAuth>;
}

export interface ClockPort {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** One try of one request on one account, as the loop hands it to a transport. */
export type AttemptInput = {
  name: string;
  auth: ChatgptAuth;
  /** Send no encrypted reasoning at all: this account refused what it was given once already. */
  bare: boolean;
  /** Epoch ms the rotation budget ends: a connect should not outlive it. */
  deadline: number;
};

/** A failure before the commit point, as classify.ts judged it. */
export type FailureVerdict = Extract<Verdict, { action: "rotate" | "refresh" }>;

/**
 * What one attempt came to. `T`: what a transport returns once it committed (or has a final answer
 * to pass on as it is); `L`: the upstream's last word on a failure, passed on if nothing serves.
 */
export type AttemptResult<T, L> =
  | { kind: "served"; value: T }
  | {
      kind: "failed";
      verdict: FailureVerdict;
      last: L | null /** The token the upstream saw, if not `auth`'s. */;
      token?: string;
    }
  /** 400 invalid_encrypted_content: reasoning this account cannot read; the same account, bare, once. */
  | { kind: "rejected-reasoning"; last: L | null }
  /** The socket ended for reasons of its own (idle close, connection age limit): once, a new one, no rest. */
  | { kind: "reconnect"; reason: string }
  /** The client left: stop, rest nobody. */
  | { kind: "gone" };

export interface UpstreamPort<T, L> {
  attempt(input: AttemptInput): Promise<AttemptResult<T, L>>;
}

/** What the loop reports as it goes; the proxy turns them into pool events and log lines. */
export type RotationEvent =
  | { kind: "attempt-failed"; profile: string; rest: RestKind; reason: string; until: number }
  | { kind: "rotated"; from: string; to: string; rest: RestKind; reason: string }
  | { kind: "retry-same"; profile: string; why: "refresh" | "bare" | "reconnect"; reason: string }
  | { kind: "waiting"; profile: string; ms: number }
  | { kind: "gave-up"; attempts: number; tried: readonly string[]; earliestReset: number | null };

export interface EventsPort {
  emit(event: RotationEvent): void;
}

/** Limits of one request's rotation. */
export type RotationPolicy = {
  /** Attempts per request, counting the first. */
  maxAttempts: number;
  /** Time a request may spend rotating (waits included) before the proxy gives up. */
  budgetMs: number;
  /** A resting account is waited for only when it is back within this long… */
  maxWaitMs: number;
  /** …and at most this many times per request. */
  maxWaits: number;
};

export type RotationPorts<T, L> = {
  pool: PoolPort;
  tokens: TokenPort;
  upstream: UpstreamPort<T, L>;
  clock: ClockPort;
  events: EventsPort;
  policy: RotationPolicy;
};

/** The account that holds a conversation's state, and how the proxy knows. */
export type Owner = { profile: string; via: string };

/** One request as the loop sees it. */
export type RotateRequest = {
  owner: Owner | null;
  /** The request cannot leave its owner (its state cannot be replayed elsewhere). */
  stuck: boolean;
  /** The launch holds its requests to this account (--no-auto-rotate on a broker). */
  stayOn: string | null;
  /** false: a failure ends the request instead of moving it (the launch's --no-auto-rotate). */
  mayRotate: boolean;
  /** The account the client's connection is open to now (websocket), else null. */
  connected: () => string | null;
  signal: AbortSignal;
};

export type RotateOutcome<T, L> =
  | { kind: "served"; value: T; profile: string; attempts: number }
  | { kind: "gone"; attempts: number }
  /** The owner cannot serve and the request cannot leave it. */
  | { kind: "stale"; owner: string; why: Unavailable; attempts: number }
  | {
      kind: "exhausted";
      last: L | null;
      tried: readonly string[];
      attempts: number;
      earliestReset: number | null;
      /** Set when an account could not be tried because a dependency is down: what the client is told. */
      down: string | null;
    };

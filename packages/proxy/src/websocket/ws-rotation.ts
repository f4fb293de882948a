// The websocket's rotation loop: the same rules as engine/forward.ts (owner first, then the
// selection policy; back off and move on any failure before the commit point; bounded by
// maxAttempts and rotateBudgetMs), with "open a socket to the account" as the first step.
import { AuthError, type ChatgptAuth, errorMessage, windowsFromHeaders } from "@prodex/core";
import { type LaunchScope, mayRotate, stayOn } from "../engine/launch-scope.ts";
import type { LocalAnswer } from "../engine/local-answers.ts";
import { staleContinuation } from "../engine/local-answers.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { type Verdict, classifyNetworkError, classifyResponse } from "../rotation/classify.ts";
import { UpstreamSocket } from "./upstream-socket.ts";
import type { WsConn } from "./ws-conn.ts";
import { upstreamHandshakeHeaders, upstreamWsUrl } from "./ws-headers.ts";

export type Owner = { profile: string; via: string };
type Rotate = Extract<Verdict, { action: "rotate" }>;
type Failure = Extract<Verdict, { action: "rotate" | "refresh" }>;

/** The last thing an upstream said before the proxy gave up: passed on as the most faithful answer. */
export type LastFailure = { kind: "frame"; text: string } | { kind: "http"; status: number; headers: Headers; body: string };

/** What one attempt on one account came to. */
export type Step =
  | { kind: "done" }
  | { kind: "gone" }
  | { kind: "failed"; verdict: Failure; last: LastFailure | null }
  /** The socket ended for reasons of its own (idle close, connection age limit): once, a new one, no back-off. */
  | { kind: "reconnect"; reason: string }
  /** A final answer for the client that is not the upstream's (e.g. a lost continuation). */
  | { kind: "answer"; frame: string };

export type Outcome =
  | { kind: "done"; profile: string; attempts: number }
  | { kind: "gone"; attempts: number }
  | { kind: "answer"; frame: string; attempts: number }
  | { kind: "local"; answer: LocalAnswer; attempts: number }
  /** The upstream refused the handshake for a reason another account would share (e.g. 426). */
  | { kind: "refused"; status: number; headers: Headers; body: string; attempts: number }
  | { kind: "exhausted"; last: LastFailure | null; tried: Set<string>; attempts: number };

export type Pick = { kind: "profile"; name: string; reason: string } | { kind: "none" } | { kind: "local"; answer: LocalAnswer };

/**
 * forward.ts's order: the owner first — a transient backoff does not outrank ownership — else
 * the policy. `stuck`: the request cannot leave its owner (its state cannot be replayed elsewhere).
 * `connected`: the account the connection's socket is open to; a request with no owner stays
 * there while it can serve (the policy chose it moments ago; switching costs a handshake).
 */
export function pickAccount(state: ProxyState, owner: Owner | null, stuck: boolean, tried: ReadonlySet<string>, connected: string | null = null, scope?: LaunchScope): Pick {
  const { pool } = state;
  if (owner && !tried.has(owner.profile)) {
    const blocked = pool.blocked(owner.profile);
    if (!blocked || blocked.why === "backed off") return { kind: "profile", name: owner.profile, reason: `continues on its owner (${owner.via})` };
    if (stuck) return { kind: "local", answer: staleContinuation(state, owner.profile, blocked) };
  } else if (owner && stuck) {
    return { kind: "local", answer: staleContinuation(state, owner.profile, pool.blocked(owner.profile) ?? { why: "backed off", until: null }) };
  }
  const held = stayOn(scope);
  if (!owner && connected && !tried.has(connected) && !pool.blocked(connected) && (!held || held === connected)) return { kind: "profile", name: connected, reason: "stays on the connection's account" };
  const selection = pool.choose(tried, held);
  if (selection.choice === null) return { kind: "none" };
  return { kind: "profile", name: selection.choice, reason: selection.reason };
}

/**
 * Runs `work` on accounts until one serves: picks, opens (or reuses) the connection's upstream
 * socket for it, and on a failure before commit backs the account off and tries the next.
 */
export async function withRotation(
  conn: WsConn,
  route: { owner: Owner | null; stuck: boolean; label: string },
  work: (name: string) => Promise<Step>,
): Promise<Outcome> {
  const { state } = conn;
  const { ctx, pool } = state;
  const startedAt = ctx.now();
  const tried = new Set<string>();
  const refreshed = new Set<string>();
  /** The access token each account's handshake used (what a 401 rejected). */
  const tokens = new Map<string, string>();
  let previous: { name: string; reason: string; kind: string } | null = null;
  let last: LastFailure | null = null;
  let attempts = 0;
  let reconnected = false;

  while (attempts < state.maxAttempts && ctx.now() - startedAt < state.rotateBudgetMs) {
    if (conn.gone.signal.aborted) return { kind: "gone", attempts };
    const pick = pickAccount(state, route.owner, route.stuck, tried, conn.upstream?.socket.open ? conn.upstream.profile : null, conn.scope);
    if (pick.kind === "local") return { kind: "local", answer: pick.answer, attempts };
    if (pick.kind === "none") break;
    const name = pick.name;
    if (previous && previous.name !== name) {
      ctx.events.emit({ kind: "rotation", profile: name, message: `${previous.name} → ${name}: ${previous.reason}`, data: { from: previous.name, to: name, reason: previous.reason, kind: previous.kind, client: "ws" } });
      state.log.line("info", "rotate", { from: previous.name, to: name, reason: previous.reason, transport: "ws", what: route.label });
    }
    pool.select(name, pick.reason);
    attempts++;

    let step: Step;
    const opened = await ensureUpstream(conn, name, Math.max(1_000, state.rotateBudgetMs - (ctx.now() - startedAt)), tokens);
    if (opened.kind === "refused") return { ...opened, attempts };
    if (opened.kind === "failed") step = opened;
    else step = await work(name);

    if (step.kind === "done") return { kind: "done", profile: name, attempts };
    if (step.kind === "gone") return { kind: "gone", attempts };
    if (step.kind === "answer") return { kind: "answer", frame: step.frame, attempts };
    // Whatever the socket was doing for the failed attempt, it is no use now.
    conn.dropUpstream();
    if (step.kind === "reconnect") {
      if (!reconnected) {
        reconnected = true;
        state.log.line("info", "ws reconnect", { profile: name, reason: step.reason, transport: "ws", what: route.label });
        continue;
      }
      step = { kind: "failed", verdict: { action: "rotate", kind: "transient", reason: step.reason, until: null }, last: null };
    }
    if (step.verdict.action === "refresh" && !refreshed.has(name)) {
      refreshed.add(name);
      await refreshAfter401(state, name, tokens.get(name) ?? null, tried);
      continue;
    }
    const rotate = asRotate(step.verdict);
    if (step.last) last = step.last;
    previous = { name, reason: rotate.reason, kind: rotate.kind };
    tried.add(name);
    pool.failed(name, rotate.kind, rotate.reason, rotate.until);
    state.log.line("warn", "attempt failed", { profile: name, kind: rotate.kind, reason: rotate.reason, transport: "ws", what: route.label });
    if (!mayRotate(pool, conn.scope)) break;
  }
  if (conn.gone.signal.aborted) return { kind: "gone", attempts };
  state.log.line("warn", "no account could serve", { transport: "ws", what: route.label, attempts, tried: [...tried].join(",") });
  return { kind: "exhausted", last, tried, attempts };
}

type Opened = { kind: "ready" } | Extract<Step, { kind: "failed" }> | { kind: "refused"; status: number; headers: Headers; body: string };

/** The connection's socket to `name`: the open one, or a fresh handshake with `name`'s token. */
async function ensureUpstream(conn: WsConn, name: string, budgetMs: number, tokens: Map<string, string>): Promise<Opened> {
  const { state } = conn;
  const { ctx, pool } = state;
  const current = conn.upstream;
  if (current && current.profile === name && current.socket.open) {
    tokens.set(name, current.token);
    return { kind: "ready" };
  }
  conn.dropUpstream();
  let auth: ChatgptAuth;
  try {
    auth = await ctx.tokens.current(pool.ref(name));
  } catch (error) {
    if (error instanceof AuthError && error.needsLogin) pool.markNeedsLogin(name);
    return { kind: "failed", verdict: { action: "rotate", kind: "auth", reason: errorMessage(error), until: null }, last: null };
  }
  tokens.set(name, auth.accessToken);
  const url = upstreamWsUrl(state.upstreamBase, "/codex/responses");
  const result = await UpstreamSocket.connect(url, upstreamHandshakeHeaders(conn.headers, auth), { timeoutMs: Math.min(30_000, budgetMs), signal: conn.gone.signal });
  if (result.ok) {
    const windows = windowsFromHeaders(result.socket.handshake, ctx.now());
    if (windows.length) pool.observe(name, windows);
    conn.useUpstream(result.socket, name, auth.accessToken);
    return { kind: "ready" };
  }
  if (result.status === null) return { kind: "failed", verdict: asRotate(classifyNetworkError(new Error(result.error))), last: null };
  const headers = result.headers ?? new Headers();
  const verdict = classifyResponse(result.status, headers, parseJson(result.body), ctx.now());
  if (verdict.action === "commit") return { kind: "refused", status: result.status, headers, body: result.body };
  return { kind: "failed", verdict, last: { kind: "http", status: result.status, headers, body: result.body } };
}

/** A second 401 (after a refresh) means the account's login is the problem. */
function asRotate(verdict: Failure | Verdict): Rotate {
  if (verdict.action === "rotate") return verdict;
  if (verdict.action === "refresh") return { action: "rotate", kind: "auth", reason: `${verdict.reason} after a token refresh`, until: null };
  return { action: "rotate", kind: "transient", reason: "upstream failed", until: null };
}

async function refreshAfter401(state: ProxyState, name: string, token: string | null, tried: Set<string>): Promise<void> {
  try {
    if (token) await state.ctx.tokens.afterUnauthorized(state.pool.ref(name), token);
  } catch (error) {
    tried.add(name);
    if (error instanceof AuthError && error.needsLogin) state.pool.markNeedsLogin(name);
    state.pool.failed(name, "auth", errorMessage(error), null);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

import { AuthError, type ChatgptAuth, errorMessage } from "@prodex/core";
import { type AffinityKeys, foreignBlobs, mustStay, ownerOf, stripEncrypted } from "../affinity/affinity-keys.ts";
import { type Verdict, classifyNetworkError, classifyResponse, errorInfo } from "../rotation/classify.ts";
import { faultyFetch } from "../faults/upstream-faults.ts";
import { UpstreamStalledError, UpstreamStream, type HoldResult } from "../stream/upstream-stream.ts";
import { upstreamRequestHeaders } from "../upstream/headers.ts";
import { type RequestBody, encodeJson } from "../upstream/request-body.ts";
import { type LaunchScope, mayRotate, stayOn } from "./launch-scope.ts";
import { poolUnavailable, staleContinuation, type LocalAnswer } from "./local-answers.ts";
import type { ProxyState } from "./proxy-state.ts";

export type ForwardRequest = {
  method: string;
  /** Path under the ChatGPT base, with query, e.g. "/codex/responses". */
  path: string;
  headers: Headers;
  body: RequestBody | null;
  keys: AffinityKeys;
  /** Hold the SSE answer until the commit point (inference); false = unary pass-through. */
  stream: boolean;
  signal: AbortSignal;
  /** Label for logs/events: "codex", "claude", "ws". */
  client: string;
  /** The bytes for one account, when they depend on it (translated Claude requests: reasoning only its owner can read). Overrides `body`. */
  bodyFor?: (profile: string) => Uint8Array | string;
  /** The launch the request comes from (per-lease options on a broker). */
  scope?: LaunchScope;
};

export type Committed = {
  kind: "committed";
  profile: string;
  response: Response;
  /** Present for held streams: the buffered head and the reader to continue with. */
  stream: UpstreamStream | null;
  hold: Extract<HoldResult, { kind: "commit" }> | null;
  attempts: number;
  startedAt: number;
  /** Encrypted reasoning left out of what this account received (it belongs to another). */
  stripped: ReadonlySet<string>;
};

export type Outcome = Committed | { kind: "local"; answer: LocalAnswer; attempts: number };

type Failure = { verdict: Extract<Verdict, { action: "rotate" }>; status: number; body: string; headers: Headers };

/**
 * Sends one request to the pool: picks the account (continuation owner first, then the
 * selection policy), and moves the request to another account on any failure seen before the
 * commit point. After commit the caller streams; nothing here rotates mid-stream.
 */
export async function forward(state: ProxyState, req: ForwardRequest): Promise<Outcome> {
  const { pool, ctx } = state;
  const startedAt = ctx.now();
  const tried = new Set<string>();
  const refreshed = new Set<string>();
  const owner = ownerOf(req.keys, (kind, key) => state.bindings.lookup(kind, key));
  let last: Failure | null = null;
  let previous: { name: string; reason: string; kind: string } | null = null;
  let attempts = 0;
  // Accounts that refused the request's encrypted reasoning: they get it without any.
  const stripAll = new Set<string>();
  let retrySame: string | null = null;
  let waits = 0;

  while (attempts < state.maxAttempts && ctx.now() - startedAt < state.rotateBudgetMs) {
    if (req.signal.aborted) break;
    const pick: Pick = retrySame ? { kind: "profile", name: retrySame, reason: "retry without unreadable reasoning" } : choose(state, req, owner, tried);
    retrySame = null;
    if (pick.kind === "local") return { kind: "local", answer: pick.answer, attempts };
    if (pick.kind === "none") {
      // Nothing ready, but an account is only resting briefly (a rate limit, an overload):
      // wait it out rather than refuse the client while it could still be served.
      const soon = pool.soonestTransient();
      const wait = soon ? soon.until - ctx.now() : Infinity;
      if (!soon || waits >= MAX_WAITS || wait > MAX_WAIT_MS || ctx.now() + wait - startedAt > state.rotateBudgetMs) break;
      waits++;
      state.log.line("info", "waiting for a resting account", { profile: soon.name, ms: Math.max(0, Math.round(wait)), path: req.path });
      await Bun.sleep(Math.max(0, wait));
      if (req.signal.aborted) break;
      pool.clearTransient(soon.name);
      tried.delete(soon.name);
      continue;
    }
    const name: string = pick.name;
    if (previous && previous.name !== name) {
      ctx.events.emit({ kind: "rotation", profile: name, message: `${previous.name} → ${name}: ${previous.reason}`, data: { from: previous.name, to: name, reason: previous.reason, kind: previous.kind, client: req.client } });
      state.log.line("info", "rotate", { from: previous.name, to: name, reason: previous.reason, path: req.path });
    }
    pool.select(name, pick.reason);
    attempts++;

    let auth: ChatgptAuth;
    try {
      auth = await ctx.tokens.current(pool.ref(name));
    } catch (error) {
      tried.add(name);
      previous = { name, reason: errorMessage(error), kind: "auth" };
      // A dead login is final; a refresh that failed for now rests the account so the next
      // requests do not each retry it (and flap between accounts).
      if (error instanceof AuthError && error.needsLogin) pool.markNeedsLogin(name);
      else pool.failed(name, "auth", previous.reason, ctx.now() + 30_000);
      continue;
    }

    const body = req.bodyFor ? { bytes: req.bodyFor(name), rewritten: true, stripped: NONE } : bodyFor(state, req, owner?.profile ?? null, name, stripAll.has(name));
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    req.signal.addEventListener("abort", onAbort, { once: true });
    let response: Response;
    const url = `${state.upstreamBase}${req.path}`;
    const init: RequestInit = {
      method: req.method,
      headers: upstreamRequestHeaders(req.headers, auth, { dropContentEncoding: body.rewritten }),
      body: body.bytes,
      signal: controller.signal,
      redirect: "manual",
    };
    // An upstream that never starts answering is as good as down: give the request to another account.
    const silent = setTimeout(() => controller.abort(new UpstreamStalledError(state.stallMs)), state.stallMs);
    try {
      response = await (ctx.faults ? faultyFetch(ctx.faults, name, state.fetch, url, init) : state.fetch(url, init));
    } catch (error) {
      req.signal.removeEventListener("abort", onAbort);
      if (req.signal.aborted) break;
      const verdict = classifyNetworkError(controller.signal.reason instanceof UpstreamStalledError ? controller.signal.reason : error);
      if (verdict.action !== "rotate") continue;
      last = null;
      previous = { name, reason: verdict.reason, kind: verdict.kind };
      fail(state, name, verdict, tried);
      continue;
    } finally {
      clearTimeout(silent);
    }

    const verdict = classifyResponse(response.status, response.headers, null, ctx.now());
    if (verdict.action === "commit" && !(response.status >= 400)) {
      if (!req.stream || !isSse(response)) {
        req.signal.removeEventListener("abort", onAbort);
        return { kind: "committed", profile: name, response, stream: null, hold: null, attempts, startedAt, stripped: body.stripped };
      }
      const stream = new UpstreamStream(response.body ?? emptyBody(), controller, ctx.now, state.stallMs);
      const held = await stream.hold(state.hold);
      if (held.kind === "commit") return { kind: "committed", profile: name, response, stream, hold: held, attempts, startedAt, stripped: body.stripped };
      req.signal.removeEventListener("abort", onAbort);
      // The client left while the answer was held: the broken read is its doing, not the account's.
      if (req.signal.aborted) break;
      if (held.verdict.action === "refresh" && !refreshed.has(name)) {
        refreshed.add(name);
        await refreshAfter401(state, name, auth, tried);
        continue;
      }
      const rotate = asRotate(held.verdict);
      last = { verdict: rotate, status: 200, body: "", headers: response.headers };
      previous = { name, reason: rotate.reason, kind: rotate.kind };
      fail(state, name, rotate, tried);
      continue;
    }

    // An error status: read it (bounded) to classify and, if it is the last word, pass it on.
    const text = await readBounded(response, 64 * 1024);
    req.signal.removeEventListener("abort", onAbort);
    const errorBody = parseJson(text);
    // Reasoning this account cannot decrypt (made elsewhere, bindings unknown): retry it bare once.
    if (response.status === 400 && req.keys.encryptedItems > 0 && !stripAll.has(name) && encryptedRejected(errorBody)) {
      stripAll.add(name);
      retrySame = name;
      state.log.line("warn", "retry without encrypted reasoning", { profile: name, path: req.path });
      continue;
    }
    const full = classifyResponse(response.status, response.headers, errorBody, ctx.now());
    if (full.action === "commit") {
      const passed = new Response(text, { status: response.status, headers: response.headers });
      return { kind: "committed", profile: name, response: passed, stream: null, hold: null, attempts, startedAt, stripped: body.stripped };
    }
    if (full.action === "refresh" && !refreshed.has(name)) {
      refreshed.add(name);
      await refreshAfter401(state, name, auth, tried);
      continue;
    }
    const rotate = asRotate(full);
    last = { verdict: rotate, status: response.status, body: text, headers: response.headers };
    previous = { name, reason: rotate.reason, kind: rotate.kind };
    fail(state, name, rotate, tried);
    if (!mayRotate(pool, req.scope)) break;
  }

  // Nothing could serve. The upstream's own last answer is the most faithful thing to return
  // (Codex knows how to show a usage-limit 429), else a local explanation.
  const answer = last && last.status >= 400 ? { status: last.status, headers: last.headers, body: last.body } : poolUnavailable(state, tried);
  state.log.line("warn", "no account could serve", { path: req.path, attempts, tried: [...tried].join(",") });
  return { kind: "local", answer, attempts };
}

type Pick = { kind: "profile"; name: string; reason: string } | { kind: "none" } | { kind: "local"; answer: LocalAnswer };

function choose(state: ProxyState, req: ForwardRequest, owner: { profile: string; via: string } | null, tried: Set<string>): Pick {
  const { pool } = state;
  if (owner && !tried.has(owner.profile)) {
    const blocked = pool.blocked(owner.profile);
    // A transient backoff does not outrank ownership: try the owner first anyway.
    if (!blocked || blocked.why === "backed off") return { kind: "profile", name: owner.profile, reason: `continues on its owner (${owner.via})` };
    if (mustStay(req.keys)) return { kind: "local", answer: staleContinuation(state, owner.profile, blocked) };
  } else if (owner && mustStay(req.keys)) {
    return { kind: "local", answer: staleContinuation(state, owner.profile, pool.blocked(owner.profile) ?? { why: "backed off", until: null }) };
  }
  const selection = pool.choose(tried, stayOn(req.scope));
  if (selection.choice === null) return { kind: "none" };
  return { kind: "profile", name: selection.choice, reason: selection.reason };
}

const NONE: ReadonlySet<string> = new Set();
/** Waiting for a briefly resting account: at most this long, this many times per request. */
const MAX_WAIT_MS = 10_000;
const MAX_WAITS = 3;

/** The bytes to send to `name`: the original, or without encrypted reasoning it cannot read. */
function bodyFor(state: ProxyState, req: ForwardRequest, owner: string | null, name: string, all: boolean): { bytes: Uint8Array | undefined; rewritten: boolean; stripped: ReadonlySet<string> } {
  if (!req.body) return { bytes: undefined, rewritten: false, stripped: NONE };
  if (req.keys.encryptedItems === 0) return { bytes: req.body.bytes, rewritten: false, stripped: NONE };
  const foreign = all ? new Set(req.keys.encrypted) : foreignBlobs(req.keys, name, owner, (kind, key) => state.bindings.lookup(kind, key));
  const json = foreign.size > 0 ? req.body.json() : null;
  if (!json || typeof json !== "object" || Array.isArray(json)) return { bytes: req.body.bytes, rewritten: false, stripped: NONE };
  return { bytes: encodeJson(stripEncrypted(json as Record<string, unknown>, foreign).body), rewritten: true, stripped: foreign };
}

function encryptedRejected(body: unknown): boolean {
  const info = errorInfo(body);
  return info?.code === "invalid_encrypted_content" || /encrypted content/i.test(info?.message ?? "");
}

/** A second 401 (after a refresh) means the account's login is the problem: back it off. */
function asRotate(verdict: Extract<Verdict, { action: "rotate" | "refresh" }>): Extract<Verdict, { action: "rotate" }> {
  return verdict.action === "refresh" ? { action: "rotate", kind: "auth", reason: `${verdict.reason} after a token refresh`, until: null } : verdict;
}

function fail(state: ProxyState, name: string, verdict: Extract<Verdict, { action: "rotate" }>, tried: Set<string>): void {
  tried.add(name);
  state.pool.failed(name, verdict.kind, verdict.reason, verdict.until);
  state.log.line("warn", "attempt failed", { profile: name, kind: verdict.kind, reason: verdict.reason });
}

async function refreshAfter401(state: ProxyState, name: string, auth: ChatgptAuth, tried: Set<string>): Promise<void> {
  try {
    await state.ctx.tokens.afterUnauthorized(state.pool.ref(name), auth.accessToken);
  } catch (error) {
    tried.add(name);
    if (error instanceof AuthError && error.needsLogin) state.pool.markNeedsLogin(name);
    state.pool.failed(name, "auth", errorMessage(error), null);
  }
}

function isSse(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("text/event-stream");
}

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

async function readBounded(response: Response, max: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      chunks.push(r.value);
      size += r.value.byteLength;
      if (size >= max) {
        reader.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    // a broken error body is still an error; classify on what arrived
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

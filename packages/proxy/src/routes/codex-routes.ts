import { windowsFromHeaders } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { type AffinityKeys, codexAffinity, extractAffinity } from "../affinity/affinity-keys.ts";
import { blobKey } from "../affinity/body-scan.ts";
import type { StreamEvent } from "../stream/upstream-stream.ts";
import { committedBody } from "../engine/committed-stream.ts";
import { type Committed, type Outcome, forward } from "../engine/forward.ts";
import { applyPooledHeaders } from "../engine/pooled-usage.ts";
import type { LaunchScope } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { clientResponseHeaders } from "../upstream/headers.ts";
import { BodyError, forwardedJsonError, readRequestBody } from "../upstream/request-body.ts";

/** The path under the ChatGPT base that the client asked for, with its query. */
export function upstreamPath(c: HonoContext, prefix: string): string {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(prefix);
  return `${at >= 0 ? url.pathname.slice(at + prefix.length) : url.pathname}${url.search}`;
}

export function bodyError(error: unknown): Response | null {
  return error instanceof BodyError ? bodyErrorResponse(error) : null;
}

function bodyErrorResponse(error: BodyError): Response {
  return Response.json(
    { error: { type: "invalid_request_error", message: `prodex proxy: ${error.message}` } },
    { status: error.status },
  );
}

export function localResponse(outcome: Extract<Outcome, { kind: "local" }>): Response {
  const { status, headers, body } = outcome.answer;
  return new Response(body, { status, headers });
}

/** Records who served the request, so its continuations come back to the same account. */
export function bindContinuations(state: ProxyState, committed: Committed, keys: AffinityKeys): void {
  if (committed.response.status >= 400) return;
  const b = state.bindings;
  // The account accepted this reasoning, so it can read it: later requests carrying it come here.
  for (const blob of keys.encrypted)
    if (!committed.stripped.has(blob)) b.bind("encrypted", blobKey(blob), committed.profile);
  b.bind("turn_state", committed.response.headers.get("x-codex-turn-state") ?? keys.turnState, committed.profile);
  b.bind("session", keys.session, committed.profile);
  b.bind("prompt_cache_key", keys.promptCacheKey, committed.profile);
  b.bind("claude_session", keys.claudeSession, committed.profile);
}

/** `POST …/codex/responses` (SSE) and `…/responses/compact` (unary JSON), with safe rotation. */
export async function codexInference(
  state: ProxyState,
  c: HonoContext,
  path: string,
  stream: boolean,
  scope?: LaunchScope,
): Promise<Response> {
  let body: Awaited<ReturnType<typeof readRequestBody>>;
  try {
    body = await readRequestBody(c.req.raw);
  } catch (error) {
    return bodyError(error) ?? Response.json({ error: { message: "cannot read the request body" } }, { status: 400 });
  }
  const invalid = forwardedJsonError(body);
  if (invalid) return bodyErrorResponse(invalid);
  const headers = c.req.raw.headers;
  const keys = codexAffinity(headers, body.text);
  const outcome = await forward(state, {
    method: "POST",
    path,
    headers,
    body,
    keys,
    stream,
    signal: c.req.raw.signal,
    client: "codex",
    scope,
  });
  if (outcome.kind === "local") return localResponse(outcome);
  bindContinuations(state, outcome, keys);
  const out = clientResponseHeaders(outcome.response.headers);
  const now = state.ctx.now();
  // Let the pool see this account's fresh windows before Codex is told the pool's view.
  const windows = windowsFromHeaders(outcome.response.headers, now);
  state.pool.observe(outcome.profile, windows);
  applyPooledHeaders(out, state.pool, now);
  if (!outcome.stream) {
    state.pool.succeeded(outcome.profile, now - outcome.startedAt, windows);
    return new Response(outcome.response.body, { status: outcome.response.status, headers: out });
  }
  const owner = outcome.profile;
  return new Response(committedBody(state, outcome, { onEvent: (e) => bindOutputBlob(state, owner, e) }), {
    status: outcome.response.status,
    headers: out,
  });
}

/** New reasoning (or compaction) an answer carries belongs to the account that wrote it. */
export function bindOutputBlob(state: ProxyState, profile: string, event: StreamEvent): void {
  if (event.type !== "response.output_item.done") return;
  const item = event.json?.item;
  if (typeof item !== "object" || item === null || Array.isArray(item)) return;
  const blob = (item as Record<string, unknown>).encrypted_content;
  if (typeof blob === "string") state.bindings.bind("encrypted", blobKey(blob), profile);
}

/** Anything else under the ChatGPT base: forwarded with the serving account's credentials. */
export async function passThrough(
  state: ProxyState,
  c: HonoContext,
  path: string,
  scope?: LaunchScope,
): Promise<Response> {
  const method = c.req.method;
  let body = null;
  if (method !== "GET" && method !== "HEAD") {
    try {
      body = await readRequestBody(c.req.raw);
    } catch (error) {
      return bodyError(error) ?? Response.json({ error: { message: "cannot read the request body" } }, { status: 400 });
    }
  }
  const headers = c.req.raw.headers;
  const keys = extractAffinity(headers, null);
  const outcome = await forward(state, {
    method,
    path,
    headers,
    body,
    keys,
    stream: false,
    signal: c.req.raw.signal,
    client: "codex",
    scope,
  });
  if (outcome.kind === "local") return localResponse(outcome);
  return new Response(outcome.response.body, {
    status: outcome.response.status,
    headers: clientResponseHeaders(outcome.response.headers),
  });
}

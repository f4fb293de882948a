/** POST /backend-api/codex/responses (SSE) and /responses/compact (unary JSON). */
import { errorCode } from "@prodex/guards";
import { blockingWindow, type Account } from "./accounts.ts";
import { foreignContent } from "./encrypted.ts";
import { invalidRequestBody, unauthorizedBody } from "./error-bodies.ts";
import { applyCut, nextOutcome, type Outcome } from "./faults.ts";
import { delay, wait } from "./pacing.ts";
import { recordBody, recordHeaders } from "./recorder.ts";
import { decodeJson, items, parseResponsesBody, type ResponsesBody } from "./request-body.ts";
import { answerEvents, newId } from "./sse-answers.ts";
import { sseBody } from "./sse-stream.ts";
import type { MockState } from "./state.ts";
import { fullWindow, rateLimitHeaders, usageLimitError } from "./usage-wire.ts";

type Ctx = { state: MockState; req: Request; url: URL; body: unknown; account: Account | null };

const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
  Response.json(value, { status, headers: { "x-request-id": crypto.randomUUID(), ...headers } });

/** Record the exchange; `status` 0 means the connection was closed with no response. */
function done(ctx: Ctx, res: Response, status = res.status): Response {
  ctx.state.record({
    transport: "http",
    method: ctx.req.method,
    path: ctx.url.pathname,
    query: ctx.url.search,
    headers: recordHeaders(ctx.req.headers),
    body: recordBody(ctx.body),
    accountId: ctx.account?.accountId ?? ctx.req.headers.get("chatgpt-account-id"),
    status,
  });
  return res;
}

/** A connection closed with no response at all (a stream that errors before its first byte). */
function reset(): Response {
  return new Response(new ReadableStream({ start: (ctl) => ctl.error() }));
}

type Admitted = { ok: true; account: Account; body: ResponsesBody; chars: number } | { ok: false; res: Response };

/** Auth, body, conversation ownership and usage limit: the checks every inference request passes. */
async function admit(ctx: Ctx): Promise<Admitted> {
  const { state, req } = ctx;
  const auth = state.authenticate(req.headers);
  if (!auth.ok) {
    if (auth.account) auth.account.counters.unauthorized++;
    ctx.account = auth.account;
    return { ok: false, res: done(ctx, json(401, unauthorizedBody(auth.reason))) };
  }
  const account = auth.account;
  ctx.account = account;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await req.arrayBuffer());
  } catch {
    return { ok: false, res: done(ctx, reset(), 0) }; // the client went away while sending
  }
  const decoded = decodeJson(bytes, req.headers.get("content-encoding"));
  const parsed = decoded.ok ? parseResponsesBody(decoded.value) : decoded;
  if (decoded.ok) ctx.body = decoded.value;
  if (!parsed.ok) return { ok: false, res: done(ctx, json(400, invalidRequestBody("invalid_json", parsed.message))) };
  account.counters.requests++;
  const foreign = foreignContent(items(parsed.value), account.accountId);
  if (foreign) {
    account.counters.errors++;
    const message = `The encrypted content for item ${foreign.itemId} could not be verified: it belongs to another account.`;
    return { ok: false, res: done(ctx, json(400, invalidRequestBody("invalid_encrypted_content", message))) };
  }
  if (blockingWindow(account)) return { ok: false, res: done(ctx, limited(account)) };
  return { ok: true, account, body: parsed.value, chars: bytes.length };
}

function limited(account: Account, resetsInSeconds?: number): Response {
  account.counters.limited++;
  const error = usageLimitError(account, resetsInSeconds);
  const full = blockingWindow(account) ? undefined : fullWindow(account, error.resets_in_seconds);
  return json(429, { error }, rateLimitHeaders(account, Date.now(), full));
}

/** The answer to an outcome that is not a stream. */
function refusal(account: Account, outcome: Exclude<Outcome, { kind: "answer" | "reset" }>): Response {
  if (outcome.kind === "usage_limit") return limited(account, outcome.resetsInSeconds);
  account.counters.errors++;
  return json(outcome.status, outcome.body, { ...rateLimitHeaders(account), ...outcome.headers });
}

export async function handleResponses(state: MockState, req: Request): Promise<Response> {
  const ctx: Ctx = { state, req, url: new URL(req.url), body: null, account: null };
  const ok = await admit(ctx);
  if (!ok.ok) return ok.res;
  const { account, body } = ok;
  const outcome = nextOutcome(account.faults, state.settings.rates, state.rng);
  if (outcome.kind === "reset") {
    account.counters.errors++;
    return done(ctx, reset(), 0);
  }
  if (outcome.kind !== "answer") return done(ctx, refusal(account, outcome));

  const signal = AbortSignal.any([req.signal, state.live.signal]);
  const pacing = state.settings.stream;
  if (!(await wait(outcome.delayMs + delay(pacing.firstByteDelayMs, pacing.jitterMs, state.rng), signal)))
    return done(ctx, reset(), 0);

  // error_after_commit needs answer text on the wire before it fails.
  const forced = outcome.cut.kind === "fail_error" ? { kind: "text" as const, text: state.settings.reply } : undefined;
  const plan = state.plan(account, body, ok.chars, forced);
  const script = applyCut(answerEvents(plan), outcome.cut, plan);
  if (script.end !== "complete") account.counters.errors++;
  if (outcome.cut.kind === "fail_usage") account.counters.limited++;
  state.activeStreams++;
  const onEnd = (completed: boolean) => {
    state.activeStreams--;
    if (!completed) return;
    account.counters.completed++;
    state.accounts.charge(account);
  };
  if (body.stream === false) {
    const res = unary(script.events, script.end, onEnd);
    return done(ctx, res, script.end === "drop" ? 0 : res.status);
  }
  const stream = sseBody(script, { pacing: state.settings.stream, rng: state.rng, signal, onEnd });
  const headers = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-codex-turn-state": state.turnState(account, req.headers),
    "x-request-id": crypto.randomUUID(),
    ...rateLimitHeaders(account),
  };
  return done(ctx, new Response(stream, { status: 200, headers }));
}

/** `stream: false`: the final response object as JSON. */
function unary(events: { type: string; response?: unknown }[], end: string, onEnd: (ok: boolean) => void): Response {
  const last = events.at(-1);
  if (end === "drop" || !last) {
    onEnd(false);
    return reset();
  }
  if (last.type === "response.failed") {
    const error = errorOf(last.response);
    const usage = errorCode(error) === "usage_limit_reached";
    onEnd(false);
    return json(usage ? 429 : 500, { error });
  }
  onEnd(true);
  return json(200, last.response);
}

function errorOf(response: unknown): unknown {
  return typeof response === "object" && response !== null && "error" in response ? response.error : null;
}

/** Older clients compact through a unary call; the one output item is bound to the account. */
export async function handleCompact(state: MockState, req: Request): Promise<Response> {
  const ctx: Ctx = { state, req, url: new URL(req.url), body: null, account: null };
  const ok = await admit(ctx);
  if (!ok.ok) return ok.res;
  const plan = state.plan(ok.account, ok.body, ok.chars, { kind: "compaction" });
  ok.account.counters.completed++;
  state.accounts.charge(ok.account);
  const item = { id: newId("cmp"), type: "compaction", encrypted_content: plan.compaction };
  return done(
    ctx,
    json(
      200,
      { id: plan.id, object: "response.compaction", created_at: plan.createdAt, output: [item] },
      rateLimitHeaders(ok.account),
    ),
  );
}

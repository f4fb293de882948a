/**
 * The Responses websocket on /backend-api/codex/responses: `response.create` frames in, the same
 * JSON objects as the SSE data payloads out. Response ids live per connection for previous_response_id.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { blockingWindow, type Account } from "./accounts.ts";
import { foreignContent } from "./encrypted.ts";
import { invalidRequestBody, unauthorizedBody, type ErrorBody } from "./error-bodies.ts";
import { applyCut, nextOutcome, outcomeOf, type Outcome } from "./faults.ts";
import { delay, wait } from "./pacing.ts";
import { recordHeaders } from "./recorder.ts";
import { items, parseResponsesBody, type ResponsesBody } from "./request-body.ts";
import { answerEvents, newId, prewarmEvents, type ServerEvent } from "./sse-answers.ts";
import { play } from "./sse-stream.ts";
import type { MockState } from "./state.ts";
import { rateLimitHeaders, usageLimitError } from "./usage-wire.ts";

export type WsData = {
  accountId: string;
  headers: Headers;
  path: string;
  /** Response ids this connection produced (previous_response_id must be one of them). */
  responses: Set<string>;
  /** Frames are answered one after another, like the real server does per connection. */
  queue: Promise<void>;
  closed: AbortController;
};

export const RESPONSES_PATH = "/backend-api/codex/responses";

export const isUpgrade = (req: Request) => req.headers.get("upgrade")?.toLowerCase() === "websocket";

/** Check the bearer at upgrade time: a bad one gets a plain 401, which sends Codex to its refresh path. */
export function upgrade(state: MockState, req: Request, server: Server<WsData>): Response | undefined {
  const url = new URL(req.url);
  const auth = state.authenticate(req.headers);
  const record = (status: number, accountId: string | null) =>
    state.record({
      transport: "http",
      method: "GET",
      path: url.pathname,
      query: url.search,
      headers: recordHeaders(req.headers),
      body: null,
      accountId,
      status,
    });
  if (!auth.ok) {
    if (auth.account) auth.account.counters.unauthorized++;
    record(401, auth.account?.accountId ?? req.headers.get("chatgpt-account-id"));
    return Response.json(unauthorizedBody(auth.reason), { status: 401 });
  }
  const data: WsData = {
    accountId: auth.account.accountId,
    headers: req.headers,
    path: url.pathname,
    responses: new Set(),
    queue: Promise.resolve(),
    closed: new AbortController(),
  };
  const headers: Record<string, string> = {
    "x-codex-turn-state": state.turnState(auth.account, req.headers),
    ...rateLimitHeaders(auth.account),
  };
  const max = state.settings.websocket.maxMessageBytes;
  if (max !== undefined) headers["x-codex-websocket-max-message-bytes"] = String(max);
  if (server.upgrade(req, { data, headers })) {
    record(101, auth.account.accountId);
    return undefined;
  }
  record(400, auth.account.accountId);
  return Response.json(invalidRequestBody("upgrade_failed", "Websocket upgrade failed."), { status: 400 });
}

export function websocketHandler(state: MockState): WebSocketHandler<WsData> {
  return {
    message(ws, message) {
      const text = typeof message === "string" ? message : new TextDecoder().decode(message);
      ws.data.queue = ws.data.queue.then(() => frame(state, ws, text)).catch(() => ws.terminate());
    },
    close(ws) {
      ws.data.closed.abort();
    },
  };
}

type Ws = ServerWebSocket<WsData>;

type ErrorFrame = ServerEvent & { type: "error"; status: number };

const errorFrame = (
  status: number,
  error: ErrorBody["error"] | Record<string, unknown>,
  headers?: Record<string, string>,
): ErrorFrame => ({
  type: "error",
  status,
  error,
  ...(headers ? { headers } : {}),
});

async function frame(state: MockState, ws: Ws, text: string): Promise<void> {
  const { data } = ws;
  const send = (e: ServerEvent) => {
    if (!data.closed.signal.aborted) ws.send(JSON.stringify(e));
  };
  let raw: unknown = null;
  try {
    raw = JSON.parse(text);
  } catch {
    // recorded below with a null body
  }
  const parsed = raw === null ? null : parseResponsesBody(raw);
  const account = state.accounts.get(data.accountId);
  const record = (status: number) =>
    state.record({
      transport: "ws",
      method: "WS",
      path: data.path,
      query: "",
      headers: recordHeaders(data.headers),
      body: raw,
      accountId: data.accountId,
      status,
    });
  if (!parsed?.ok || parsed.value.type !== "response.create") {
    record(400);
    return send(
      errorFrame(
        400,
        invalidRequestBody("invalid_request", 'Expected a JSON {"type":"response.create", …} frame.').error,
      ),
    );
  }
  const body = parsed.value;
  // The token may have expired or been revoked since the upgrade.
  const auth = state.authenticate(data.headers);
  if (!auth.ok || !account) {
    if (account) account.counters.unauthorized++;
    record(401);
    return send(errorFrame(401, unauthorizedBody(auth.ok ? "revoked" : auth.reason).error));
  }
  account.counters.requests++;
  const refusal = check(account, body, data);
  if (refusal) {
    record(refusal.status);
    return send(refusal);
  }
  const generate = body.generate !== false;
  const outcome: Outcome = generate
    ? nextOutcome(account.faults, state.settings.rates, state.rng)
    : outcomeOf(undefined);
  if (outcome.kind === "usage_limit") {
    record(429);
    return send(limitFrame(account, outcome.resetsInSeconds));
  }
  if (outcome.kind === "reset") {
    account.counters.errors++;
    record(0);
    return ws.terminate();
  }
  if (outcome.kind === "error") {
    account.counters.errors++;
    record(outcome.status);
    return send(errorFrame(outcome.status, outcome.body.error, outcome.headers));
  }
  record(200);
  const signal = AbortSignal.any([data.closed.signal, state.live.signal]);
  const pacing = state.settings.stream;
  if (!(await wait(outcome.delayMs + delay(pacing.firstByteDelayMs, pacing.jitterMs, state.rng), signal))) return;
  if (!generate) {
    const id = newId("resp");
    data.responses.add(id);
    return play(
      prewarmEvents({ id, createdAt: Math.floor(Date.now() / 1000), model: body.model ?? "gpt-5" }),
      send,
      player(state, signal),
    ).then(() => {});
  }
  const forced = outcome.cut.kind === "fail_error" ? { kind: "text" as const, text: state.settings.reply } : undefined;
  const plan = state.plan(account, body, text.length, forced);
  const script = applyCut(answerEvents(plan), outcome.cut, plan);
  if (script.end !== "complete") account.counters.errors++;
  if (outcome.cut.kind === "fail_usage") account.counters.limited++;
  state.activeStreams++;
  const sent = await play(script.events, send, player(state, signal)).finally(() => state.activeStreams--);
  if (!sent) return;
  if (script.end === "drop") return ws.terminate();
  if (script.end !== "complete") return;
  data.responses.add(plan.id);
  account.counters.completed++;
  state.accounts.charge(account);
}

const player = (state: MockState, signal: AbortSignal) => ({
  pacing: state.settings.stream,
  rng: state.rng,
  signal,
  onEnd: () => {},
});

/** Ownership, previous_response_id and usage checks; an error frame when one fails. */
function check(account: Account, body: ResponsesBody, data: WsData): ErrorFrame | null {
  const foreign = foreignContent(items(body), account.accountId);
  if (foreign) {
    account.counters.errors++;
    const message = `The encrypted content for item ${foreign.itemId} could not be verified: it belongs to another account.`;
    return errorFrame(400, invalidRequestBody("invalid_encrypted_content", message).error);
  }
  const prev = body.previous_response_id;
  if (prev && !data.responses.has(prev)) {
    account.counters.errors++;
    return errorFrame(400, {
      ...invalidRequestBody("previous_response_not_found", `Previous response with id '${prev}' not found.`).error,
      param: "previous_response_id",
    });
  }
  if (blockingWindow(account)) return limitFrame(account);
  return null;
}

/** `status` only, never also `status_code`: Codex ignores a frame that carries both. */
function limitFrame(account: Account, resetsInSeconds?: number): ErrorFrame {
  account.counters.limited++;
  return errorFrame(429, usageLimitError(account, resetsInSeconds), rateLimitHeaders(account));
}

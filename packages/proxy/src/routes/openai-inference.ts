import { windowsFromHeaders } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { type AffinityKeys, extractAffinity } from "../affinity/affinity-keys.ts";
import type { ResponsesObject } from "../anthropic/types.ts";
import { type Committed, forward } from "../engine/forward.ts";
import type { LaunchScope } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { chatToResponses } from "../openai/chat-to-responses.ts";
import { STREAM_BROKE, STREAM_ENDED, openaiError, streamFailure } from "../openai/errors.ts";
import { CHAT_KEEPALIVE, ChatStreamTranslator, completionId, responseToChat } from "../openai/responses-to-chat.ts";
import { responsesUpstream } from "../openai/responses-request.ts";
import type { UpstreamParams } from "../openai/upstream-params.ts";
import { assembleResponse } from "../responses/assemble-response.ts";
import type { StreamEvent } from "../stream/upstream-stream.ts";
import type { TranslateError } from "../anthropic/translate-error.ts";
import { encodeJson, type RequestBody } from "../upstream/request-body.ts";
import { bindContinuations, bindOutputBlob } from "./codex-routes.ts";
import { errorResponse, invalidRequest, openaiJson, unreadableBody, upstreamFailure } from "./openai-reply.ts";
import { UPSTREAM_RESPONSES_PATH, readJsonBody, requestId, translatedUpstreamHeaders } from "./translated-request.ts";
import { collectEvents, dropUnstreamed, translatedSseBody } from "./translated-stream.ts";
import { committedBody } from "../engine/committed-stream.ts";

export type OpenAIInferenceOptions = {
  /** Which optional request fields the upstream takes (the ChatGPT backend: none). */
  accepts: UpstreamParams;
  /** Upstream silence after which a streamed Chat Completion gets a keep-alive comment. */
  pingMs: number;
};

/** `POST /responses`: streamed as it comes (`stream:true`), or assembled into one Responses object. */
export async function openaiResponses(
  state: ProxyState,
  c: HonoContext,
  options: OpenAIInferenceOptions,
  scope?: LaunchScope,
): Promise<Response> {
  const sent = await translateAndSend(state, c, "Responses", (json) => responsesUpstream(json, options.accepts), scope);
  if (!sent.ok) return sent.res;
  const owner = sent.committed.profile;
  const observe = (e: StreamEvent) => bindOutputBlob(state, owner, e);
  if (!sent.t.stream) return collected(state, c, sent.committed, (response) => response, observe);
  return new Response(committedBody(state, sent.committed, { onEvent: observe }), {
    status: 200,
    headers: sseHeaders(),
  });
}

/** `POST /chat/completions`: translated to a Responses request, and the stream back into chunks or one completion. */
export async function chatCompletions(
  state: ProxyState,
  c: HonoContext,
  options: OpenAIInferenceOptions,
  scope?: LaunchScope,
): Promise<Response> {
  const sent = await translateAndSend(
    state,
    c,
    "Chat Completions",
    (json) => chatToResponses(json, options.accepts),
    scope,
  );
  if (!sent.ok) return sent.res;
  const { t, committed } = sent;
  const created = Math.floor(state.ctx.now() / 1000);
  if (!t.stream) {
    return collected(state, c, committed, (response) => {
      const id = completionId(typeof response.id === "string" ? response.id : undefined);
      return responseToChat(response, { id, created, model: t.model });
    });
  }
  const translator = new ChatStreamTranslator({ id: completionId(undefined), created, model: t.model }, t.includeUsage);
  const sse = {
    push: translator.push.bind(translator),
    broken: (message: string) => translator.error(openaiError("server_error", message, "upstream_stream_broke")),
    get done() {
      return translator.done;
    },
    ping: CHAT_KEEPALIVE,
  };
  return new Response(translatedSseBody(state, committed, sse, options.pingMs), { status: 200, headers: sseHeaders() });
}

function sseHeaders(): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": requestId(),
  };
}

/** For `stream:false`: the committed stream read to its end, assembled, and answered as `answer` says. */
async function collected(
  state: ProxyState,
  c: HonoContext,
  committed: Committed,
  answer: (response: ResponsesObject) => unknown,
  observe?: (e: StreamEvent) => void,
): Promise<Response> {
  const { events, broke } = await collectEvents(state, committed, c.req.raw.signal, observe);
  if (broke !== null) return errorResponse(STREAM_BROKE(broke));
  const r = assembleResponse(events);
  if (!r.ok) return errorResponse(r.failure ? streamFailure(r.failure) : STREAM_ENDED);
  return openaiJson(200, answer(r.response), { "x-request-id": requestId() });
}

type Translated = { ok: true; body: object; notes: string[] };

/** Reads the client's JSON, builds the upstream request (`translate`: refused in OpenAI's shape) and sends it. */
async function translateAndSend<T extends Translated>(
  state: ProxyState,
  c: HonoContext,
  api: string,
  translate: (json: unknown) => T | { ok: false; error: TranslateError },
  scope: LaunchScope | undefined,
): Promise<{ ok: true; t: T; committed: Committed } | { ok: false; res: Response }> {
  const read = await readJsonBody(c.req.raw);
  if (!read.ok) return { ok: false, res: unreadableBody(read.refusal, api) };
  const t = translate(read.json);
  if (!t.ok) return { ok: false, res: invalidRequest(t.error) };
  if (t.notes.length) state.log.line("info", "openai request adapted", { api, notes: t.notes.join("; ") });
  const sent = await send(state, c, t.body, scope);
  return sent.ok ? { ok: true, t, committed: sent.committed } : sent;
}

type Sent = { ok: true; committed: Committed } | { ok: false; res: Response };

/** The request through the pool's rotation (owner first, moves before commit), committed to a stream or answered as a failure. */
async function send(state: ProxyState, c: HonoContext, body: object, scope: LaunchScope | undefined): Promise<Sent> {
  const keys: AffinityKeys = extractAffinity(c.req.raw.headers, body);
  const outcome = await forward(state, {
    method: "POST",
    path: UPSTREAM_RESPONSES_PATH,
    headers: translatedUpstreamHeaders(keys.promptCacheKey),
    body: jsonBody(body),
    keys,
    stream: true,
    signal: c.req.raw.signal,
    client: "openai",
    scope,
  });
  if (outcome.kind === "local")
    return {
      ok: false,
      res: upstreamFailure(state, outcome.answer.status, outcome.answer.body, outcome.answer.headers, scope),
    };
  const { response } = outcome;
  if (response.status >= 400)
    return { ok: false, res: upstreamFailure(state, response.status, await response.text(), response.headers, scope) };
  if (!outcome.stream) {
    const type = await dropUnstreamed(state, outcome, "openai");
    return {
      ok: false,
      res: errorResponse({
        status: 502,
        headers: {},
        body: openaiError(
          "server_error",
          `The upstream answered with ${type} instead of an event stream.`,
          "upstream_not_streamed",
        ),
      }),
    };
  }
  bindContinuations(state, outcome, keys);
  state.pool.observe(outcome.profile, windowsFromHeaders(response.headers, state.ctx.now()));
  return { ok: true, committed: outcome };
}

/** A rewritten request body as forward() takes it (it may still drop reasoning another account wrote). */
function jsonBody(body: object): RequestBody {
  const bytes = encodeJson(body);
  return { bytes, encoding: null, text: null, json: () => body };
}

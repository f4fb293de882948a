import { asNumber as num, asRecord as obj, parseJson } from "@prodex/guards";
import type { TranslateError } from "../anthropic/translate-error.ts";
import { type LaunchScope, stayOn } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { type OpenAIErrorResponse, openaiError, openaiUpstreamError } from "../openai/errors.ts";
import { earliestResetSeconds, noRetryAnswer } from "./pool-exhausted.ts";
import type { JsonBodyRefusal } from "./translated-request.ts";

// How the OpenAI routes answer: JSON, and every failure in OpenAI's error shape.

export function openaiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function errorResponse(e: OpenAIErrorResponse): Response {
  return openaiJson(e.status, e.body, e.headers);
}

/** A request prodex cannot take: 400 (or the body's own status: 413, 415), `param` naming where. */
export function invalidRequest(error: TranslateError): Response {
  const param = error.where === "(body)" ? null : error.where;
  return openaiJson(
    400,
    openaiError(
      "invalid_request_error",
      error.message,
      error.where === "n" ? "unsupported_value" : "invalid_request",
      param,
    ),
  );
}

export function unreadableBody(refusal: JsonBodyRefusal, api: string): Response {
  const message = refusal.notJson
    ? `The request body is not JSON: send an OpenAI ${api} request (application/json).`
    : refusal.message;
  return openaiJson(
    refusal.status,
    openaiError("invalid_request_error", message, refusal.status === 413 ? "request_too_large" : "invalid_json"),
  );
}

/** An upstream or pool failure before anything was answered (see openaiUpstreamError). */
export function upstreamFailure(
  state: ProxyState,
  status: number,
  body: string,
  headers: Headers,
  scope?: LaunchScope,
): Response {
  const snapshot = state.pool.snapshot();
  const stay = stayOn(scope);
  const exhausted = noRetryAnswer(status, snapshot, stay);
  const retryAfter =
    status === 429
      ? (earliestResetSeconds(snapshot, state.ctx.now(), stay) ?? upstreamRetryAfter(body, headers))
      : null;
  return errorResponse(openaiUpstreamError(status, body, { poolExhausted: exhausted, retryAfter }));
}

/** The upstream's own hint: `retry-after`, or the usage-limit body's `resets_in_seconds`. */
function upstreamRetryAfter(body: string, headers: Headers): number | null {
  const header = Number(headers.get("retry-after"));
  if (Number.isFinite(header) && header > 0) return Math.ceil(header);
  const seconds = num(obj(obj(parseJson(body))?.error)?.resets_in_seconds);
  return seconds === undefined ? null : Math.max(1, Math.ceil(seconds));
}

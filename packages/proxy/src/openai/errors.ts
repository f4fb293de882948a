import { type JsonRecord as Obj, asRecord as obj, asString as str } from "@prodex/guards";
import { errorTypeForCode, readUpstreamError } from "../anthropic/errors.ts";
import type { AnthropicErrorType } from "../anthropic/types.ts";

// Failures as OpenAI clients read them: `{error:{message,type,param,code}}` with the status the
// SDKs' retry logic expects (they retry 408/409/429/5xx and honour `retry-after`).

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error";

export type OpenAIErrorBody = {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
};

export type OpenAIErrorResponse = { status: number; body: OpenAIErrorBody; headers: Record<string, string> };

export function openaiError(
  type: OpenAIErrorType,
  message: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** The same classification as the Anthropic route (one place for upstream codes), in OpenAI's words. */
const FROM_ANTHROPIC: Record<AnthropicErrorType, OpenAIErrorType> = {
  invalid_request_error: "invalid_request_error",
  authentication_error: "authentication_error",
  permission_error: "permission_error",
  not_found_error: "not_found_error",
  rate_limit_error: "rate_limit_error",
  api_error: "server_error",
  overloaded_error: "server_error",
};

function typeForStatus(status: number): OpenAIErrorType {
  if (status === 400 || status === 413 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return "server_error";
}

const NO_RETRY = { "x-should-retry": "false" };

export type UpstreamFailureContext = {
  /** Every account the request may use is out of quota: the only case that is a 429. */
  poolExhausted: boolean;
  /** Seconds until the earliest reset (the `retry-after` of a 429), when known. */
  retryAfter: number | null;
};

/**
 * An upstream (or pool) failure before anything was answered. A 429 only when the whole pool is
 * exhausted (with `retry-after`); one account's limit the pool could not route around is a 503 the
 * SDKs retry. Account login failures are the pool's problem, not the client's key: 502. Where a
 * retry cannot help before someone acts or a reset comes (an exhausted pool, logins, a conversation
 * held by a resting account), `x-should-retry: false` tells the OpenAI SDKs not to spend their retries.
 */
export function openaiUpstreamError(
  status: number,
  upstreamBody: unknown,
  ctx: UpstreamFailureContext,
): OpenAIErrorResponse {
  const { code, message } = readUpstreamError(upstreamBody);
  const headers: Record<string, string> = {};
  if (status === 401 || status === 403) {
    const text =
      "prodex: no account in the pool accepted its ChatGPT login; run `prodex quota` to see which profiles need `prodex login`.";
    return { status: 502, headers: { ...NO_RETRY }, body: openaiError("server_error", text, "pool_login_required") };
  }
  if (status === 429) {
    if (ctx.retryAfter !== null) headers["retry-after"] = String(ctx.retryAfter);
    if (ctx.poolExhausted)
      return {
        status: 429,
        headers: { ...headers, ...NO_RETRY },
        body: openaiError(
          "rate_limit_error",
          message ?? "Every account in the pool hit its usage limit.",
          code ?? "usage_limit_reached",
        ),
      };
    return {
      status: 503,
      headers,
      body: openaiError("server_error", message ?? "No account in the pool can serve right now.", code ?? "pool_busy"),
    };
  }
  const type = typeForStatus(status);
  const body = openaiError(type, message ?? `The upstream answered ${status}.`, code ?? null);
  return { status, headers: status === 409 || ctx.poolExhausted ? { ...NO_RETRY } : headers, body };
}

/** A failure inside a stream (`response.failed` or an `error` event): its body, and the status a non-streamed answer gets. */
export function streamFailure(source: Obj): OpenAIErrorResponse {
  const e = obj(source.error) ?? source;
  const code = str(e.code) ?? str(e.type) ?? null;
  const anthropicType = errorTypeForCode(code ?? undefined);
  const type = anthropicType ? FROM_ANTHROPIC[anthropicType] : "server_error";
  const message = str(e.message) ?? "The upstream model failed to answer.";
  return { status: type === "invalid_request_error" ? 400 : 502, headers: {}, body: openaiError(type, message, code) };
}

export const STREAM_BROKE = (why: string): OpenAIErrorResponse => ({
  status: 502,
  headers: {},
  body: openaiError("server_error", `The upstream stream broke: ${why}`, "upstream_stream_broke"),
});

export const STREAM_ENDED: OpenAIErrorResponse = {
  status: 502,
  headers: {},
  body: openaiError(
    "server_error",
    "The upstream stream ended before the response was complete.",
    "upstream_incomplete",
  ),
};

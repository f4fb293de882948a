import type { PoolSnapshot } from "@prodex/core";
import { anthropicError, toAnthropicError } from "../anthropic/errors.ts";
import { noRetryAnswer } from "./pool-exhausted.ts";
import type { AnthropicErrorBody, AnthropicErrorType } from "../anthropic/types.ts";

// How failures reach Claude Code: always the Anthropic error shape, with the status Claude
// Code's retry logic expects, and `x-should-retry: false` where a retry cannot help.

const JSON_TYPE = { "content-type": "application/json" };

export function anthropicJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_TYPE, ...headers } });
}

/** A request prodex cannot take (bad JSON, untranslatable Messages body): 400, never retried. */
export function invalidRequest(message: string, status = 400): Response {
  return anthropicJson(status, anthropicError("invalid_request_error", message), { "x-should-retry": "false" });
}

/** The status Anthropic uses for each error type (for errors found inside a stream). */
export function statusFor(type: AnthropicErrorType): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "rate_limit_error":
      return 429;
    case "overloaded_error":
      return 529;
    default:
      return 500;
  }
}

export function errorBodyResponse(body: AnthropicErrorBody): Response {
  return anthropicJson(statusFor(body.error.type), body);
}

/**
 * An upstream (or pool) failure as Claude Code understands it. Account login failures are the
 * pool's problem, not Claude's key: they become a non-retried 502 naming the fix, because a 401
 * would make Claude Code ask the user to fix its API key.
 */
export function upstreamFailure(status: number, body: string, headers: Headers, snapshot: PoolSnapshot): Response {
  if (status === 401 || status === 403) {
    const message =
      "prodex: no account in the pool accepted its ChatGPT login; run `prodex quota` to see which profiles need `prodex login`.";
    return anthropicJson(502, anthropicError("api_error", message), { "x-should-retry": "false" });
  }
  const exhausted = noRetryAnswer(status, snapshot);
  const e = toAnthropicError(status, body, { poolExhausted: exhausted });
  const out = { ...e.headers };
  const retryAfter = headers.get("retry-after");
  if (retryAfter && !exhausted) out["retry-after"] = retryAfter;
  return anthropicJson(e.status, e.body, out);
}

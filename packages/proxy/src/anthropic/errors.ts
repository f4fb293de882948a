import { asRecord as obj, asString as str } from "@prodex/guards";
import type { AnthropicErrorBody, AnthropicErrorType } from "./types.ts";

export type AnthropicErrorResponse = { status: number; headers: Record<string, string>; body: AnthropicErrorBody };

export type ToAnthropicErrorOptions = {
  /**
   * Every account is out of quota. Sends `x-should-retry: false`: without it Claude Code retries a
   * 429 with backoff for ~36 s (about ten attempts) before it shows anything, and each retry would
   * find the same empty pool.
   */
  poolExhausted?: boolean;
  /** Replaces the upstream message (e.g. a pool-level explanation). */
  message?: string;
};

export function anthropicError(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

/** HTTP status → Anthropic error type. */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  if (status === 429) return "rate_limit_error";
  if (status === 529 || status === 503) return "overloaded_error";
  if (status === 401 || status === 403) return "authentication_error";
  if (status === 400 || status === 404 || status === 413 || status === 422) return "invalid_request_error";
  return "api_error";
}

/** Upstream error `code`/`type` (HTTP body, response.failed, error event) → Anthropic error type. */
export function errorTypeForCode(code: string | undefined): AnthropicErrorType | undefined {
  if (!code) return undefined;
  if (/usage_limit|rate_limit|quota|too_many_requests/i.test(code)) return "rate_limit_error";
  if (/overload|server_is_busy|capacity|slow_down/i.test(code)) return "overloaded_error";
  if (/auth|token_expired|token_invalid|unauthorized|forbidden/i.test(code)) return "authentication_error";
  if (/invalid|context_length|unsupported|not_found|bad_request|too_large/i.test(code)) return "invalid_request_error";
  return undefined;
}

/**
 * Claude Code compacts the conversation when a 400 says "prompt is too long" [src: client behaviour,
 * unverified on the wire]; upstream says context_length_exceeded, so its message is rephrased.
 */
export function upstreamMessage(code: string | undefined, message: string): string {
  if (code && /context_length/i.test(code) && !/prompt is too long/i.test(message))
    return `prompt is too long: ${message}`;
  return message;
}

const DEFAULT_MESSAGES: Record<AnthropicErrorType, string> = {
  invalid_request_error: "The upstream model rejected the request.",
  authentication_error: "The upstream account is not signed in or its token was refused.",
  permission_error: "The upstream account may not use this resource.",
  not_found_error: "Not found.",
  rate_limit_error: "The upstream account hit its usage limit.",
  api_error: "The upstream model failed.",
  overloaded_error: "The upstream model is overloaded.",
};

/** Maps an upstream failure (status + body as text or parsed JSON) to what Claude Code understands. */
export function toAnthropicError(
  status: number,
  upstreamBody: unknown,
  opts: ToAnthropicErrorOptions = {},
): AnthropicErrorResponse {
  const { code, message } = readUpstreamError(upstreamBody);
  const type = status >= 200 && status < 300 ? (errorTypeForCode(code) ?? "api_error") : errorTypeForStatus(status);
  const outStatus = status >= 200 && status < 300 ? 500 : status;
  const text = opts.message ?? upstreamMessage(code, message ?? DEFAULT_MESSAGES[type]);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.poolExhausted) headers["x-should-retry"] = "false";
  return { status: outStatus, headers, body: anthropicError(type, text) };
}

/** Pulls `code` and `message` out of the shapes upstream uses: {error:{…}}, {detail}, {message}, text. */
export function readUpstreamError(body: unknown): { code?: string; message?: string } {
  let b = body;
  if (typeof b === "string") {
    const t = b.trim();
    if (!t.startsWith("{")) return t ? { message: clip(t) } : {};
    try {
      b = JSON.parse(t);
    } catch {
      return { message: clip(t) };
    }
  }
  const o = obj(b);
  if (!o) return {};
  const e = obj(o.error) ?? o;
  const detail = str(o.detail) ?? str(obj(o.detail)?.message);
  const code = str(e.code) ?? str(e.type) ?? str(obj(o.detail)?.code);
  const message = str(e.message) ?? detail ?? str(o.message);
  const out: { code?: string; message?: string } = {};
  if (code) out.code = code;
  if (message) out.message = clip(message);
  return out;
}

function clip(s: string): string {
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

// Pure decisions on what an upstream answer means for the account that gave it.
import { asNumber as num, asString as str, isRecord } from "@prodex/guards";

export type BackoffKind = "quota" | "transient" | "auth" | "overload";

export type Verdict =
  | { action: "commit" }
  /** Give the request to another account; back this one off. */
  | { action: "rotate"; kind: BackoffKind; reason: string; until: number | null }
  /** 401: refresh this account's token and try it once more. */
  | { action: "refresh"; reason: string };

export type UpstreamErrorInfo = {
  type?: string;
  code?: string;
  message?: string;
  resetsAt?: number | null;
  resetsInSeconds?: number | null;
};

const QUOTA_CODES = new Set(["usage_limit_reached", "insufficient_quota", "usage_not_included"]);
const RATE_CODES = new Set(["rate_limit_exceeded", "rate_limit_error"]);
const OVERLOAD_CODES = new Set([
  "server_is_overloaded",
  "overloaded_error",
  "slow_down",
  "server_error",
  "service_unavailable",
]);

/** Reads `{error:{type,code,message,resets_at,…}}` (or the same at the top level) from any JSON. */
export function errorInfo(body: unknown): UpstreamErrorInfo | null {
  if (!isRecord(body)) return null;
  const e = isRecord(body.error)
    ? body.error
    : isRecord(body.response) && isRecord(body.response.error)
      ? body.response.error
      : body;
  const info: UpstreamErrorInfo = {
    type: str(e.type),
    code: str(e.code),
    message: str(e.message) ?? str(body.message),
    resetsAt: num(e.resets_at) ?? null,
    resetsInSeconds: num(e.resets_in_seconds) ?? null,
  };
  return info.type || info.code || info.message ? info : null;
}

function codes(info: UpstreamErrorInfo | null): string[] {
  return [info?.type, info?.code].filter((c): c is string => Boolean(c));
}

function quotaUntil(info: UpstreamErrorInfo | null, headers: Headers | null, now: number): number | null {
  if (info?.resetsAt) return info.resetsAt * 1000;
  if (info?.resetsInSeconds) return now + info.resetsInSeconds * 1000;
  const primary = headers?.get("x-codex-primary-reset-at");
  if (primary && Number(headers?.get("x-codex-primary-used-percent")) >= 100) return Number(primary) * 1000;
  const secondary = headers?.get("x-codex-secondary-reset-at");
  if (secondary && Number(headers?.get("x-codex-secondary-used-percent")) >= 100) return Number(secondary) * 1000;
  return null;
}

function retryAfter(headers: Headers | null, now: number): number | null {
  const v = headers?.get("retry-after");
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return now + s * 1000;
  const d = Date.parse(v);
  return Number.isNaN(d) ? null : d;
}

const atCapacity = (info: UpstreamErrorInfo | null) => /at capacity|overloaded/i.test(info?.message ?? "");

/** An HTTP answer (status + headers + parsed error body when not 2xx). */
export function classifyResponse(status: number, headers: Headers | null, body: unknown, now: number): Verdict {
  if (status >= 200 && status < 400) return { action: "commit" };
  const info = errorInfo(body);
  const c = codes(info);
  if (status === 401) return { action: "refresh", reason: "401 unauthorized" };
  if (c.some((x) => QUOTA_CODES.has(x))) {
    return {
      action: "rotate",
      kind: "quota",
      reason: `usage limit reached (${c.find((x) => QUOTA_CODES.has(x))})`,
      until: quotaUntil(info, headers, now),
    };
  }
  if (status === 429 || c.some((x) => RATE_CODES.has(x))) {
    return {
      action: "rotate",
      kind: "transient",
      reason: `rate limited (HTTP ${status}${info?.code ? ` ${info.code}` : ""})`,
      until: retryAfter(headers, now),
    };
  }
  if (status >= 500 || status === 529 || c.some((x) => OVERLOAD_CODES.has(x)) || atCapacity(info)) {
    return {
      action: "rotate",
      kind: "overload",
      reason: `upstream ${status}${info?.code ? ` ${info.code}` : ""}`,
      until: retryAfter(headers, now),
    };
  }
  if (status === 403 && c.includes("account_deactivated"))
    return { action: "rotate", kind: "auth", reason: "account deactivated", until: null };
  // 400/404/413/422…: the request itself is at fault; another account would answer the same.
  return { action: "commit" };
}

/**
 * An event seen before the commit point (`response.failed`, a websocket/SSE `error` frame).
 * Returns null for events that are not failures.
 */
export function classifyEarlyEvent(event: Record<string, unknown>, now: number): Verdict | null {
  const type = str(event.type);
  if (type !== "response.failed" && type !== "error" && type !== "response.incomplete") return null;
  if (type === "response.incomplete") return null;
  const info = errorInfo(event);
  const c = codes(info);
  const status = num(event.status) ?? num(event.status_code);
  // A websocket error frame carries the HTTP answer's headers (Retry-After, usage resets): the same rest as on HTTP.
  const headers = frameHeaders(event.headers);
  if (c.some((x) => QUOTA_CODES.has(x))) {
    return {
      action: "rotate",
      kind: "quota",
      reason: `usage limit reached in stream (${c.find((x) => QUOTA_CODES.has(x))})`,
      until: quotaUntil(info, headers, now),
    };
  }
  if (status === 401) return { action: "refresh", reason: "401 in stream" };
  if (status === 429 || c.some((x) => RATE_CODES.has(x)))
    return { action: "rotate", kind: "transient", reason: "rate limited in stream", until: retryAfter(headers, now) };
  if ((status !== undefined && status >= 500) || c.some((x) => OVERLOAD_CODES.has(x)) || atCapacity(info)) {
    return {
      action: "rotate",
      kind: "overload",
      reason: `upstream failed before output (${info?.code ?? info?.type ?? status ?? "error"})`,
      until: retryAfter(headers, now),
    };
  }
  return { action: "commit" };
}

function frameHeaders(raw: unknown): Headers | null {
  if (!isRecord(raw)) return null;
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw))
    if (typeof v === "string" || typeof v === "number") headers.set(k, String(v));
  return headers;
}

/** fetch() threw before any byte arrived: connect refused, reset, timeout, DNS. */
export function classifyNetworkError(error: unknown): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  return {
    action: "rotate",
    kind: "transient",
    reason: `network error before first byte (${message.slice(0, 120)})`,
    until: null,
  };
}

/** The upstream refused reasoning it cannot decrypt (made by another account). */
export function rejectsEncrypted(body: unknown): boolean {
  const info = errorInfo(body);
  return info?.code === "invalid_encrypted_content" || /encrypted content/i.test(info?.message ?? "");
}

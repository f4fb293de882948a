import { describe, expect, test } from "bun:test";
import { openaiUpstreamError, streamFailure } from "./errors.ts";

const usage429 = JSON.stringify({
  error: { type: "usage_limit_reached", message: "You've hit your usage limit.", resets_in_seconds: 900 },
});

describe("openaiUpstreamError", () => {
  const cases: {
    name: string;
    status: number;
    body: string;
    exhausted: boolean;
    retryAfter: number | null;
    want: { status: number; type: string; code: string | null; retryAfter?: string; noRetry?: true };
  }[] = [
    {
      name: "429, whole pool exhausted → 429 with retry-after",
      status: 429,
      body: usage429,
      exhausted: true,
      retryAfter: 300,
      want: { status: 429, type: "rate_limit_error", code: "usage_limit_reached", retryAfter: "300", noRetry: true },
    },
    {
      name: "429, pool not exhausted → 503 the SDKs retry",
      status: 429,
      body: usage429,
      exhausted: false,
      retryAfter: 20,
      want: { status: 503, type: "server_error", code: "usage_limit_reached", retryAfter: "20" },
    },
    {
      name: "401 from every account → 502 naming the fix (not the client's key)",
      status: 401,
      body: "{}",
      exhausted: false,
      retryAfter: null,
      want: { status: 502, type: "server_error", code: "pool_login_required", noRetry: true },
    },
    {
      name: "400 from upstream → 400 invalid_request_error",
      status: 400,
      body: JSON.stringify({ error: { code: "context_length_exceeded", message: "too long" } }),
      exhausted: false,
      retryAfter: null,
      want: { status: 400, type: "invalid_request_error", code: "context_length_exceeded" },
    },
    {
      name: "503 pool unavailable → 503 server_error",
      status: 503,
      body: JSON.stringify({ error: { type: "server_error", code: "pool_unavailable", message: "No account…" } }),
      exhausted: false,
      retryAfter: null,
      want: { status: 503, type: "server_error", code: "pool_unavailable" },
    },
    {
      name: "409 stale continuation keeps its status",
      status: 409,
      body: JSON.stringify({ error: { type: "stale_continuation", code: "stale_continuation", message: "…" } }),
      exhausted: false,
      retryAfter: null,
      want: { status: 409, type: "server_error", code: "stale_continuation", noRetry: true },
    },
    {
      name: "text body",
      status: 502,
      body: "Bad Gateway",
      exhausted: false,
      retryAfter: null,
      want: { status: 502, type: "server_error", code: null },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = openaiUpstreamError(c.status, c.body, { poolExhausted: c.exhausted, retryAfter: c.retryAfter });
      expect(r.status).toBe(c.want.status);
      expect(r.body.error.type).toBe(c.want.type as never);
      expect(r.body.error.code).toBe(c.want.code);
      expect(typeof r.body.error.message).toBe("string");
      expect(r.headers["retry-after"]).toBe(c.want.retryAfter as never);
      // Only where a retry cannot help do the SDKs hear so.
      expect(r.headers["x-should-retry"]).toBe(c.want.noRetry ? "false" : (undefined as never));
    });
  }
});

describe("streamFailure", () => {
  const cases: { name: string; source: Record<string, unknown>; status: number; type: string }[] = [
    {
      name: "context length → 400",
      source: { error: { code: "context_length_exceeded", message: "m" } },
      status: 400,
      type: "invalid_request_error",
    },
    {
      name: "usage limit after commit → 502 rate_limit_error",
      source: { error: { code: "usage_limit_reached", message: "m" } },
      status: 502,
      type: "rate_limit_error",
    },
    {
      name: "unknown → 502 server_error",
      source: { type: "error", message: "boom" },
      status: 502,
      type: "server_error",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = streamFailure(c.source);
      expect([r.status, r.body.error.type]).toEqual([c.status, c.type as never]);
    });
  }
});

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toAnthropicError, readUpstreamError } from "./errors.ts";
import type { AnthropicErrorType } from "./types.ts";

const codex429 = readFileSync(join(import.meta.dir, "../../test/fixtures/responses/codex-429.json"), "utf8");

const table: [string, number, unknown, AnthropicErrorType, string][] = [
  [
    "429 usage limit (real body)",
    429,
    codex429,
    "rate_limit_error",
    (JSON.parse(codex429) as { error: { message: string } }).error.message,
  ],
  ["529", 529, null, "overloaded_error", "The upstream model is overloaded."],
  ["503", 503, { error: { message: "over capacity" } }, "overloaded_error", "over capacity"],
  ["401", 401, { detail: "token expired" }, "authentication_error", "token expired"],
  ["403", 403, "<html>forbidden</html>", "authentication_error", "<html>forbidden</html>"],
  [
    "400 context length",
    400,
    { error: { code: "context_length_exceeded", message: "too many tokens" } },
    "invalid_request_error",
    "prompt is too long: too many tokens",
  ],
  [
    "404",
    404,
    { detail: { code: "model_not_found", message: "no such model" } },
    "invalid_request_error",
    "no such model",
  ],
  ["413", 413, "", "invalid_request_error", "The upstream model rejected the request."],
  ["422", 422, { message: "bad" }, "invalid_request_error", "bad"],
  ["500", 500, "{not json", "api_error", "{not json"],
  ["502", 502, undefined, "api_error", "The upstream model failed."],
];

describe("toAnthropicError", () => {
  for (const [name, status, body, type, message] of table) {
    test(name, () => {
      const r = toAnthropicError(status, body);
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ type: "error", error: { type, message } });
      expect(r.headers).toEqual({ "content-type": "application/json" });
    });
  }

  test("pool exhausted → x-should-retry: false", () => {
    const r = toAnthropicError(429, codex429, { poolExhausted: true, message: "All accounts are at their limit." });
    expect(r.headers["x-should-retry"]).toBe("false");
    expect(r.body.error).toEqual({ type: "rate_limit_error", message: "All accounts are at their limit." });
  });

  test("a 2xx status (failure inside a stream) maps by code and becomes 500", () => {
    const r = toAnthropicError(200, { error: { code: "server_is_overloaded", message: "busy" } });
    expect(r.status).toBe(500);
    expect(r.body.error.type).toBe("overloaded_error");
  });

  test("long messages are clipped", () => {
    expect(readUpstreamError("x".repeat(2000)).message?.length).toBe(501);
  });
});

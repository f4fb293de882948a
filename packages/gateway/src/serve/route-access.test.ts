import { describe, expect, test } from "bun:test";
import { accessOf, permits, routeMatches, routeVerdict } from "./route-access.ts";

describe("route patterns", () => {
  test.each([
    ["GET /gateway/v1/keys", "GET", "/gateway/v1/keys", true],
    ["GET /gateway/v1/keys", "POST", "/gateway/v1/keys", false],
    ["GET /gateway/v1/keys", "GET", "/gateway/v1/keys/x", false],
    ["DELETE /gateway/v1/keys/:name", "DELETE", "/gateway/v1/keys/dev", true],
    ["DELETE /gateway/v1/keys/:name", "DELETE", "/gateway/v1/keys/", false],
    ["DELETE /gateway/v1/keys/:name", "DELETE", "/gateway/v1/keys/dev/x", false],
    ["GET /backend-api/codex/*", "GET", "/backend-api/codex/models", true],
    ["GET /backend-api/codex/*", "GET", "/backend-api/codexx", false],
    ["ALL /*", "PUT", "/anything", true],
    ["ALL /*", "GET", "/", true],
    ["HEAD /", "HEAD", "/", true],
  ] as const)("%s ~ %s %s: %p", (route, method, path, matches) => {
    expect(routeMatches(route, method, path)).toBe(matches);
  });
});

describe("what each request needs", () => {
  test.each([
    ["GET", "/gateway/v1/usage", "key"],
    ["GET", "/gateway/v1/keys", "read"],
    ["PATCH", "/gateway/v1/keys/dev", "admin"],
    ["POST", "/backend-api/codex/responses", "serve"],
    ["GET", "/backend-api/codex/models", "serve"],
    ["POST", "/v1/messages", "serve"],
    ["POST", "/openai/v1/chat/completions", "serve"],
    ["POST", "/backend-api/codex/responses/compact", "serve"],
    ["POST", "/backend-api/codex/analytics-events/events", "serve"],
    ["GET", "/backend-api/wham/usage", "serve"],
    ["GET", "/backend-api/wham/accounts/check", "serve"],
    ["GET", "/v1/models", "serve"],
    ["POST", "/openai/v1/responses", "serve"],
    // Not a client's route: the proxy would answer it with a pool account's token and its own data.
    ["GET", "/backend-api/me", null],
    ["GET", "/backend-api/wham/profiles/me", null],
    ["GET", "/backend-api/wham/tasks/list", null],
    ["GET", "/backend-api/wham/environments", null],
    ["GET", "/backend-api/wham/settings/user", null],
    ["GET", "/backend-api/wham/usage/thread_usage/query", null],
    ["GET", "/backend-api/ps/plugins/installed", null],
    ["POST", "/backend-api/ps/mcp", null],
    ["GET", "/backend-api/", null],
    ["DELETE", "/gateway/v1/usage", null],
    ["PUT", "/gateway/v1/keys/dev", null],
  ] as const)("%s %s: %p", (method, path, access) => {
    expect(accessOf(method, path)).toBe(access);
  });

  test.each([
    ["user", [true, true, true, false, false]],
    ["viewer", [true, true, false, true, false]],
    ["admin", [true, true, true, true, true]],
  ] as const)("%s may: open, key, serve, read, admin = %p", (role, may) => {
    expect((["open", "key", "serve", "read", "admin"] as const).map((a) => permits(role, a))).toEqual([...may]);
  });

  test("a refusal is one line saying what the route needs", () => {
    expect(routeVerdict("POST", "/gateway/v1/keys", "viewer")).toEqual({
      ok: false,
      status: 403,
      message:
        "prodex gateway: POST /gateway/v1/keys needs an admin key (a viewer key only reads); this is a viewer key",
    });
    expect(routeVerdict("GET", "/backend-api/me", "admin")).toEqual({
      ok: false,
      status: 404,
      message:
        "prodex gateway: GET /backend-api/me is not served through a gateway (it holds a pool account's own data)",
    });
    expect(routeVerdict("PUT", "/v1/messages", "user")).toEqual({
      ok: false,
      status: 404,
      message: "prodex gateway: PUT /v1/messages is not a route the gateway serves",
    });
    expect(routeVerdict("GET", "/gateway/v1/usage", "user")).toEqual({ ok: true });
  });
});

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
    ["GET /backend-api/ps/*", "GET", "/backend-api/ps/plugins/installed", true],
    ["GET /backend-api/ps/*", "GET", "/backend-api/psx", false],
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
    // Not a client's route: the proxy would answer it with a pool account's token and data.
    ["GET", "/backend-api/me", null],
    ["GET", "/backend-api/wham/tasks/list", null],
    // A pool account's own plugins, ChatGPT apps (connectors), settings and credits.
    ["GET", "/backend-api/ps/plugins/installed", null],
    ["POST", "/backend-api/ps/mcp", null],
    ["GET", "/backend-api/wham/settings/user", null],
    ["GET", "/backend-api/wham/rate-limit-reset-credits", null],
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
      message: "prodex gateway: GET /backend-api/me is not a route the gateway serves",
    });
    expect(routeVerdict("GET", "/gateway/v1/usage", "user")).toEqual({ ok: true });
  });
});

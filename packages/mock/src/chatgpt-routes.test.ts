import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createMockBackend } from "./server.ts";
import { arr, authHeaders, rec } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

let mock: MockBackend;
let auth: AuthJson;

beforeEach(async () => {
  mock = await createMockBackend({
    accounts: [
      { id: "acct-1", primary: { usedPercent: 12, resetAfterSeconds: 3600 }, secondary: { usedPercent: 40 } },
      { id: "acct-2", plan: "pro" },
    ],
  });
  auth = mock.authFile("acct-1");
});
afterEach(() => mock.stop());

const get = (path: string, a: AuthJson | null = auth) =>
  fetch(`${mock.url}${path}`, { headers: a ? authHeaders(a) : {} });

describe("ChatGPT routes", () => {
  test("wham/usage has the shape of examples/wham-usage.json with the account's numbers", async () => {
    const res = await get("/backend-api/wham/usage");
    expect(res.status).toBe(200);
    const body = rec(await res.json());
    const example = rec(await Bun.file("/work/shared/protocol/examples/wham-usage.json").json());
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body).toMatchObject({ account_id: "acct-1", plan_type: "plus", email: "1@example.com" });
    const limit = rec(body.rate_limit);
    expect(limit).toMatchObject({ allowed: true, limit_reached: false });
    expect(rec(limit.primary_window)).toMatchObject({
      used_percent: 12,
      limit_window_seconds: 18000,
      reset_after_seconds: 3600,
    });
    expect(Number(rec(limit.primary_window).reset_at) - Date.now() / 1000).toBeCloseTo(3600, -1);
    expect(rec(limit.secondary_window)).toMatchObject({ used_percent: 40, limit_window_seconds: 604800 });
  });

  test("usage follows exhaustion, and /api/codex/usage at the root answers the same", async () => {
    mock.exhaust("acct-2", 60);
    const body = rec(await (await get("/api/codex/usage", mock.authFile("acct-2"))).json());
    expect(body).toMatchObject({
      account_id: "acct-2",
      plan_type: "pro",
      rate_limit: { allowed: false, limit_reached: true },
    });
    expect(rec(rec(body.rate_limit).primary_window)).toMatchObject({ used_percent: 100, reset_after_seconds: 60 });
  });

  test("wham/accounts/check names the requesting account and the mock's own origin", async () => {
    const body = rec(await (await get("/backend-api/wham/accounts/check", mock.authFile("acct-2"))).json());
    const example = rec(await Bun.file("/work/shared/protocol/examples/accounts-check.json").json());
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body).toMatchObject({ account_ordering: ["acct-2"], default_account_id: "acct-2" });
    const [account] = arr(body.accounts).map(rec);
    expect(Object.keys(account ?? {}).sort()).toEqual(Object.keys(rec(arr(example.accounts)[0])).sort());
    expect(account).toMatchObject({
      id: "acct-2",
      workspace_backend_origin: mock.url,
      account_routing_override: "NO_CONSTRAINT",
    });
  });

  test("models: a ModelsResponse whose first model is gpt-5", async () => {
    const res = await get("/backend-api/codex/models?client_version=0.169.0");
    const models = arr(rec(await res.json()).models).map(rec);
    expect(models[0]).toMatchObject({
      slug: "gpt-5",
      visibility: "list",
      shell_type: "unified_exec",
      supported_in_api: true,
    });
    for (const key of [
      "base_instructions",
      "truncation_policy",
      "supported_reasoning_levels",
      "experimental_supported_tools",
    ])
      expect(models[0]).toHaveProperty(key);
  });

  test.each(["/backend-api/wham/usage", "/backend-api/wham/accounts/check", "/backend-api/codex/models"])(
    "%s needs a valid bearer",
    async (path) => {
      expect((await get(path, null)).status).toBe(401);
      expect((await get(path, mock.authFile("acct-1", { expiresInSeconds: -1 }))).status).toBe(401);
    },
  );

  test("harmless answers for the other routes Codex calls", async () => {
    const cases: [string, string, unknown][] = [
      ["GET", "/backend-api/wham/settings/user", undefined],
      ["GET", "/backend-api/wham/rate-limit-reset-credits", undefined],
      ["GET", "/backend-api/ps/plugins/installed?limit=200", undefined],
      ["GET", "/backend-api/ps/plugins/suggested/codex?scope=GLOBAL", undefined],
      ["POST", "/backend-api/codex/analytics-events/events", { events: [] }],
      [
        "POST",
        "/backend-api/ps/mcp",
        { jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18" } },
      ],
    ];
    for (const [method, path, body] of cases) {
      const res = await fetch(`${mock.url}${path}`, {
        method,
        headers: authHeaders(auth),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect([path, res.status]).toEqual([path, 200]);
    }
    const mcp = await fetch(`${mock.baseUrl}/ps/mcp`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(rec(await mcp.json()).result).toEqual({ tools: [] });
    const note = await fetch(`${mock.baseUrl}/ps/mcp`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    expect(note.status).toBe(202);
  });

  test("anything else under /backend-api is a 404 JSON, recorded", async () => {
    const res = await get("/backend-api/nope/here");
    expect(res.status).toBe(404);
    expect(rec(rec(await res.json()).error).code).toBe("not_found");
    expect(mock.requests({ path: "/backend-api/nope/here" })).toHaveLength(1);
    expect((await fetch(`${mock.url}/elsewhere`)).status).toBe(404);
  });

  test("requests are recorded with redacted authorization and the account", async () => {
    await get("/backend-api/wham/usage");
    const [r] = mock.requests({ path: "/backend-api/wham/usage", accountId: "acct-1" });
    expect(r?.headers.authorization).toBe(`Bearer …${auth.tokens.access_token.slice(-6)}`);
    expect(r).toMatchObject({ method: "GET", status: 200, transport: "http" });
    expect(mock.requests({ accountId: "acct-2" })).toEqual([]);
  });
});

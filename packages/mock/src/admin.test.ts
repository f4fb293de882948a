import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createMockBackend } from "./server.ts";
import { arr, asAuth, codexBody, postResponses, rec, userMessage } from "./test-support.ts";
import type { MockBackend } from "./types.ts";

let mock: MockBackend;

beforeEach(async () => {
  mock = await createMockBackend({ accounts: [{ id: "acct-1" }] });
});
afterEach(() => mock.stop());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${mock.url}/__mock${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: rec(await res.json()) };
};

describe("/__mock admin", () => {
  test("GET state lists urls and accounts", async () => {
    const state = rec(await (await fetch(`${mock.url}/__mock/state`)).json());
    expect(state).toMatchObject({
      url: mock.url,
      baseUrl: mock.baseUrl,
      refreshUrl: mock.refreshUrl,
      activeStreams: 0,
    });
    expect(arr(state.accounts).map((a) => rec(a).id)).toEqual(["acct-1"]);
  });

  test("accounts, usage, exhaust and faults steer inference from another process", async () => {
    expect((await post("/accounts", { id: "acct-2", costPercent: 5 })).status).toBe(200);
    const { body } = await post("/accounts/acct-2/auth", {});
    const auth = asAuth(body.result);
    expect(auth.tokens.account_id).toBe("acct-2");
    expect((await post("/accounts/acct-2/usage", { primary: { usedPercent: 55 }, secondary: null })).status).toBe(200);
    expect(mock.accounts()[1]).toMatchObject({ primary: { usedPercent: 55 }, secondary: null });
    expect((await post("/accounts/acct-2/faults", { faults: [{ kind: "overloaded" }] })).status).toBe(200);
    expect((await post("/accounts/acct-2/faults", [{ kind: "rate_limit" }])).status).toBe(200);
    expect((await post("/accounts/acct-2/faults", { kind: "server_error", status: 502 })).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postResponses(mock, auth, codexBody([userMessage("hi")]))).status);
    expect(statuses).toEqual([503, 429, 502, 200]);
    expect((await post("/accounts/acct-2/exhaust", { resetsInSeconds: 30 })).status).toBe(200);
    expect((await postResponses(mock, auth, codexBody([userMessage("hi")]))).status).toBe(429);
    const requests = rec(
      await (await fetch(`${mock.url}/__mock/requests?accountId=acct-2&path=/backend-api/codex/responses`)).json(),
    );
    expect(arr(requests.requests).map((r) => rec(r).status)).toEqual([503, 429, 502, 200, 429]);
  });

  test("options change the reply and stream shape", async () => {
    expect((await post("/options", { reply: "changed", stream: { chunks: 2 } })).status).toBe(200);
    const text = await (
      await postResponses(mock, mock.authFile("acct-1"), codexBody([userMessage("hi")], { include: [] }))
    ).text();
    expect(text).toContain('"delta":"cha"');
    expect(text).toContain('"text":"changed"');
  });

  test.each([
    { path: "/accounts/acct-9/exhaust", body: {}, status: 404, says: "unknown account acct-9" },
    { path: "/accounts/acct-1/faults", body: { kind: "explode" }, status: 400, says: "invalid body" },
    { path: "/accounts/acct-1/usage", body: "{oops", status: 400, says: "not valid JSON" },
    { path: "/accounts", body: { id: "acct-1" }, status: 400, says: "already exists" },
    { path: "/nothing", body: {}, status: 404, says: "unknown admin route" },
  ])("$path with a bad request → $status", async ({ path, body, status, says }) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(String(rec(res.body.error).message)).toContain(says);
  });
});

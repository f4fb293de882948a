import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { AUTH_CLAIM, CODEX_CLIENT_ID, decodeJwt } from "./jwt.ts";
import { createMockBackend } from "./server.ts";
import { codexBody, postResponses, rec, userMessage } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

let mock: MockBackend;

beforeEach(async () => {
  mock = await createMockBackend({
    accounts: [{ id: "acct-1", email: "one@example.com", plan: "pro" }],
    accessTokenTtlSeconds: 120,
  });
});
afterEach(() => mock.stop());

const refresh = (token: string, extra: Record<string, unknown> = {}) =>
  fetch(mock.refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: token,
      refresh_reason: "proactive_expiry",
      ...extra,
    }),
  });

/** auth.json as Codex would rewrite it after a refresh. */
function rotated(auth: AuthJson, body: Record<string, unknown>): AuthJson {
  return {
    ...auth,
    tokens: {
      ...auth.tokens,
      access_token: String(body.access_token),
      refresh_token: String(body.refresh_token),
      id_token: String(body.id_token),
    },
  };
}

describe("POST /oauth/token", () => {
  test("authFile is a fresh login whose JWTs carry email, exp and the auth claim", () => {
    const auth = mock.authFile("acct-1");
    expect(auth).toMatchObject({ auth_mode: "chatgpt", OPENAI_API_KEY: null, tokens: { account_id: "acct-1" } });
    for (const jwt of [auth.tokens.access_token, auth.tokens.id_token]) {
      const claims = decodeJwt(jwt);
      expect(claims?.email).toBe("one@example.com");
      expect(claims?.[AUTH_CLAIM]).toMatchObject({
        chatgpt_account_id: "acct-1",
        chatgpt_plan_type: "pro",
        chatgpt_user_id: "user-1",
      });
    }
    expect(Number(decodeJwt(auth.tokens.access_token)?.exp) - Date.now() / 1000).toBeCloseTo(120, -1);
    expect(Date.parse(auth.last_refresh)).toBeGreaterThan(Date.now() - 5000);
  });

  test("a refresh mints a new access token and rotates the refresh token", async () => {
    const auth = mock.authFile("acct-1", { expiresInSeconds: -1 });
    const res = await refresh(auth.tokens.refresh_token);
    expect(res.status).toBe(200);
    const body = rec(await res.json());
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 120 });
    expect(body.refresh_token).not.toBe(auth.tokens.refresh_token);
    expect((await postResponses(mock, auth, codexBody([userMessage("hi")]))).status).toBe(401);
    expect((await postResponses(mock, rotated(auth, body), codexBody([userMessage("hi")]))).status).toBe(200);
    expect(mock.refreshCalls("acct-1")).toBe(1);
    expect(mock.accounts()[0]?.tokens.refresh).toEqual([String(body.refresh_token)]);
    const logged = mock.requests({ path: "/oauth/token" })[0];
    expect(rec(logged?.body).refresh_token).toBe(`…${auth.tokens.refresh_token.slice(-6)}`);
    expect(logged?.accountId).toBe("acct-1");
  });

  test("presenting a used refresh token → refresh_token_reused, and the whole family is revoked", async () => {
    const auth = mock.authFile("acct-1");
    const body = rec(await (await refresh(auth.tokens.refresh_token)).json());
    const fresh = rotated(auth, body);
    const reuse = await refresh(auth.tokens.refresh_token);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({
      error: {
        message:
          "Your refresh token has already been used to generate a new access token. Please try signing in again.",
        type: "invalid_request_error",
        code: "refresh_token_reused",
        param: null,
      },
    });
    const res = await postResponses(mock, fresh, codexBody([userMessage("hi")]));
    expect(res.status).toBe(401);
    expect(rec(rec(await res.json()).error).code).toBe("token_invalidated");
    const again = await refresh(fresh.tokens.refresh_token);
    expect(rec(rec(await again.json()).error).code).toBe("refresh_token_invalidated");
    expect(mock.accounts()[0]?.tokens).toEqual({ access: [], refresh: [] });
    expect(mock.refreshCalls("acct-1")).toBe(3);
  });

  test("an unknown refresh token → 401 refresh_token_invalidated (invalid_grant)", async () => {
    const res = await refresh("rt_unknown");
    expect(res.status).toBe(401);
    expect(rec(await res.json()).error).toMatchObject({ type: "invalid_grant", code: "refresh_token_invalidated" });
    expect(mock.refreshCalls()).toBe(1);
    expect(mock.refreshCalls("acct-1")).toBe(0);
  });

  test.each([
    { name: "wrong grant", extra: { grant_type: "password" }, status: 400, code: "unsupported_grant_type" },
    { name: "wrong client", extra: { client_id: "app_other" }, status: 401, code: "invalid_client" },
    { name: "no token", extra: { refresh_token: "" }, status: 400, code: "invalid_request" },
  ])("$name → $status $code", async ({ extra, status, code }) => {
    const res = await refresh("x", extra);
    expect(res.status).toBe(status);
    expect(rec(rec(await res.json()).error).code).toBe(code);
  });

  test("a form-encoded grant works and garbage gets a 400", async () => {
    const auth = mock.authFile("acct-1");
    const form = new URLSearchParams({
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: auth.tokens.refresh_token,
    });
    expect((await fetch(mock.refreshUrl, { method: "POST", body: form })).status).toBe(200);
    expect((await fetch(mock.refreshUrl, { method: "POST", body: "{{{" })).status).toBe(400);
  });
});

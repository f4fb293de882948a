import { describe, expect, test } from "bun:test";
import { readAuth, writeAuth } from "@prodex/core";
import { type PoolFixture, usePoolFixtures } from "../helpers/pool-fixture.ts";

// Codex's own token refresh through the proxy (`CODEX_REFRESH_TOKEN_URL_OVERRIDE` → `/k/<secret>/oauth/token`):
// answered with the launch profile's current tokens, for a refresh token that profile holds or
// held lately — never for a guess, another profile's token, or without the secret in the path.

const openPool = usePoolFixtures();

function login(fx: PoolFixture, name: string) {
  const auth = readAuth(fx.proxy.state.pool.row(name)?.codexHome ?? "");
  if (auth.kind !== "chatgpt") throw new Error(`${name} has no login`);
  return auth;
}

function refresh(url: string, refreshToken: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }),
  });
}

describe("/oauth/token", () => {
  test("the launch profile's current refresh token gets its current tokens", async () => {
    const f = await openPool([{ id: "acct-a" }, { id: "acct-b" }]);
    const p1 = login(f, "p1");
    const res = await refresh(f.proxy.refreshUrl, p1.refreshToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      access_token: p1.accessToken,
      refresh_token: p1.refreshToken,
      id_token: p1.idToken,
      token_type: "Bearer",
    });
  });

  test("a refresh token the profile held before a rotation still gets the new tokens", async () => {
    const f = await openPool([{ id: "acct-a" }, { id: "acct-b" }]);
    const before = login(f, "p1");
    // Another process rotates p1's login after the launch started (Codex still holds the old one).
    writeAuth(f.proxy.state.pool.row("p1")?.codexHome ?? "", f.mock.authFile("acct-a"));
    const after = login(f, "p1");
    expect(after.refreshToken).not.toBe(before.refreshToken);
    const res = await refresh(f.proxy.refreshUrl, before.refreshToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_token: after.accessToken, refresh_token: after.refreshToken });
    // And the one it was handed works from then on.
    expect((await refresh(f.proxy.refreshUrl, after.refreshToken)).status).toBe(200);
  });

  test("a token the launch profile never held is invalid_grant, and nothing is refreshed", async () => {
    const f = await openPool([{ id: "acct-a" }, { id: "acct-b" }]);
    const calls = () => f?.mock.refreshCalls("acct-a") ?? 0;
    const before = calls();
    for (const [why, token] of [
      ["a guess", "rt-guess"],
      ["another profile's current token", login(f, "p2").refreshToken],
      ["a prefix of the profile's token", login(f, "p1").refreshToken.slice(0, -1)],
    ] as const) {
      const res = await refresh(f.proxy.refreshUrl, token);
      expect(res.status, why).toBe(401);
      expect(await res.json(), why).toMatchObject({ error: "invalid_grant" });
    }
    expect(calls()).toBe(before);
  });

  test("only under /k/<secret>: not under the path id Codex's arguments show, nor with a wrong secret", async () => {
    const f = await openPool([{ id: "acct-a" }]);
    const token = login(f, "p1").refreshToken;
    const named = await refresh(`${f.proxy.url}/s/${f.proxy.pathId}/oauth/token`, token);
    expect(named.status).toBe(404);
    expect(await named.text()).not.toContain(token);
    expect((await refresh(`${f.proxy.url}/k/${f.proxy.pathId}/oauth/token`, token)).status).toBe(401);
    expect((await refresh(`${f.proxy.url}/k/${"x".repeat(f.proxy.secret.length)}/oauth/token`, token)).status).toBe(
      401,
    );
    expect((await refresh(`${f.proxy.url}/oauth/token`, token)).status).toBe(401);
    expect((await refresh(f.proxy.refreshUrl, token)).status).toBe(200);
  });
});

describe("small control bodies (token refresh, dashboard control)", () => {
  test("past 64 KiB — declared or streamed — or not JSON: one clear error, nothing refreshed or changed", async () => {
    const f = await openPool([{ id: "acct-a" }, { id: "acct-b" }]);
    const calls = f.mock.refreshCalls("acct-a");
    const big = JSON.stringify({
      grant_type: "refresh_token",
      refresh_token: login(f, "p1").refreshToken,
      pad: "x".repeat(70_000),
    });
    const streamed = () =>
      new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode(big)), c.close()) });
    for (const url of [f.proxy.refreshUrl, f.proxy.controlUrl]) {
      const declared = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: big });
      expect(declared.status, url).toBe(413);
      expect(await declared.text()).toContain("exceeds the 65536-byte limit");
      const chunked = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamed(),
      });
      expect(chunked.status, url).toBe(413);
      const junk = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
      expect(junk.status, url).toBe(400);
      expect(await junk.text()).toContain("not valid JSON");
    }
    expect(f.mock.refreshCalls("acct-a")).toBe(calls);
    expect(f.proxy.state.pool.pinned).toBeNull();
  });
});

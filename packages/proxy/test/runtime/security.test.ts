import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import * as nodeCrypto from "node:crypto";
import { readAuth } from "@prodex/core";
import { type PoolFixture, poolFixture, responsesBody } from "../helpers/pool-fixture.ts";
import { httpText, rawRequest, reachableOffLoopback, upgradeText } from "../helpers/raw-http.ts";

// Who may talk to the proxy: loopback only, only clients holding the per-launch secret, never a
// browser page (Origin, a rebound DNS name). Every refusal is checked on the wire and by what the
// upstream mock saw: a refused request must never reach an account.

let f: PoolFixture;
beforeAll(async () => {
  f = await poolFixture([{ id: "acct-a" }, { id: "acct-b" }]);
});
afterAll(() => f.close());

const host = () => `127.0.0.1:${f.proxy.port}`;
const upstreamCount = () => f.mock.requests().length;
const json = (value: unknown) => JSON.stringify(value);

/**
 * Which credential opens a route family: "key" — Codex's provider routes, the path id
 * (`/s/<id>/…`, readable in Codex's arguments) AND the secret in the `x-prodex-key` header;
 * "path" — the ChatGPT routes Codex calls without the header: the path id, and Codex's own login
 * (an access token the pool holds) for the pool to serve them (else they pass as sent); "secret" —
 * `/k/<secret>/…` (refresh and dashboards; these URLs live only in environments).
 */
type Needs = "key" | "path" | "secret";

/** [label, method, path after the credential segment, body, what opens it]. */
const ROUTES: [string, string, string, () => string, Needs][] = [
  ["Codex HTTP", "POST", "/backend-api/codex/responses", () => json(responsesBody()), "key"],
  ["Codex compact", "POST", "/backend-api/codex/responses/compact", () => json(responsesBody()), "key"],
  ["Codex models", "GET", "/backend-api/codex/models", () => "", "key"],
  ["ChatGPT pass-through outside Codex's keyless routes", "GET", "/backend-api/me", () => "", "key"],
  ["ChatGPT pass-through", "GET", "/backend-api/wham/tasks/list", () => "", "path"],
  ["chatgpt-local accounts/check", "GET", "/backend-api/wham/accounts/check", () => "", "path"],
  ["chatgpt-local usage", "GET", "/backend-api/wham/usage", () => "", "path"],
  [
    "oauth token",
    "POST",
    "/oauth/token",
    () => json({ grant_type: "refresh_token", refresh_token: refreshToken("p1") }),
    "secret",
  ],
  ["admin feed", "GET", "/__prodex/events", () => "", "secret"],
  ["admin state", "GET", "/__prodex/state", () => "", "secret"],
  ["admin control", "POST", "/__prodex/control", () => json({ autoRotate: true }), "secret"],
];

function login(name: string): { accessToken: string; refreshToken: string } {
  const auth = readAuth(f.proxy.state.pool.row(name)?.codexHome ?? "");
  if (auth.kind !== "chatgpt") throw new Error(`${name} has no login`);
  return auth;
}
const refreshToken = (name: string) => login(name).refreshToken;
/** What Codex sends on its `chatgpt_base_url` routes: the login in its CODEX_HOME. */
const codexLogin = (name = "p1") => ({ authorization: `Bearer ${login(name).accessToken}` });

/** Where a route family lives, opened with `credential`. */
function routePath(needs: Needs, credential: string, path: string): string {
  return needs === "secret" ? `/k/${credential}${path}` : `/s/${credential}${path}`;
}

/** Credentials that must not open the door, by how they differ from the real one. */
const WRONG = (secret: string): [string, string][] => [
  ["wrong", "A".repeat(secret.length)],
  ["prefix", secret.slice(0, -1)],
  ["with extra chars", `${secret}x`],
  ["prefix of 8", secret.slice(0, 8)],
  ["one letter's case flipped", flipFirstLetter(secret)],
  ["percent-encoded NUL appended", `${secret}%00`],
];

function flipFirstLetter(text: string): string {
  const i = text.search(/[A-Za-z]/);
  const c = text.charAt(i);
  return `${text.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${text.slice(i + 1)}`;
}

function request(method: string, path: string, body: string, headers: Record<string, string> = {}): string {
  return httpText(
    method,
    path,
    { Host: host(), "Content-Type": "application/json", Connection: "close", ...headers },
    body,
  );
}

describe("listening address", () => {
  test("the server reports 127.0.0.1 and its URLs are loopback", () => {
    expect(f.proxy.hostname).toBe("127.0.0.1");
    for (const url of [
      f.proxy.url,
      f.proxy.codexBaseUrl,
      f.proxy.chatgptBaseUrl,
      f.proxy.refreshUrl,
      f.proxy.eventsUrl,
    ])
      expect(new URL(url).hostname).toBe("127.0.0.1");
    // What goes in Codex's arguments names the launch; the secret is only in the environment's URLs and header.
    for (const url of [f.proxy.codexBaseUrl, f.proxy.chatgptBaseUrl]) expect(url).not.toContain(f.proxy.secret);
    for (const url of [f.proxy.refreshUrl, f.proxy.eventsUrl, f.proxy.stateUrl, f.proxy.controlUrl])
      expect(url).toContain(`/k/${f.proxy.secret}/`);
  });

  test("a non-loopback address of this machine does not reach it", async () => {
    // The machine's own interface address: the connection stays on this host.
    const probe = await reachableOffLoopback(f.proxy.port);
    if (probe) expect(probe.connected, `connected to ${probe.address}:${f.proxy.port}`).toBe(false);
    // And the proxy still answers on loopback.
    expect((await fetch(`${f.proxy.stateUrl}`)).status).toBe(200);
  });
});

describe("the per-launch secret", () => {
  const key = () => ({ "X-Prodex-Key": f.proxy.secret });
  for (const [label, method, path, body, needs] of ROUTES) {
    test(`${label}: a missing, wrong, truncated or padded credential is a 401 that reaches no account`, async () => {
      const before = upstreamCount();
      const right = needs === "secret" ? f.proxy.secret : f.proxy.pathId;
      const headers = needs === "key" ? key() : {};
      const missing = await rawRequest(
        f.proxy.port,
        request(method, `/${needs === "secret" ? "k" : "s"}/${path.slice(1)}`, body(), headers),
      );
      expect(missing.status, "credential segment missing").toBe(401);
      const bare = await rawRequest(f.proxy.port, request(method, path, body(), headers));
      expect(bare.status, "no /s/ or /k/ prefix at all").toBe(401);
      for (const [why, wrong] of WRONG(right)) {
        const r = await rawRequest(f.proxy.port, request(method, routePath(needs, wrong, path), body(), headers));
        expect(r.status, why).toBe(401);
        expect(r.body).toContain("missing or wrong per-launch secret");
      }
      if (needs === "key") {
        // The path id alone — all another user can read in Codex's arguments — opens nothing here.
        const bareId = await rawRequest(f.proxy.port, request(method, routePath(needs, right, path), body()));
        expect(bareId.status, "path id without the header").toBe(401);
        expect(bareId.body).toContain("x-prodex-key");
        for (const [why, wrong] of [
          ...WRONG(f.proxy.secret),
          ["the path id as the header", f.proxy.pathId] as [string, string],
        ]) {
          const r = await rawRequest(
            f.proxy.port,
            request(method, routePath(needs, right, path), body(), { "X-Prodex-Key": wrong }),
          );
          expect(r.status, `header: ${why}`).toBe(401);
        }
      }
      if (needs !== "secret") {
        // The secret itself is not a path id.
        expect(
          (await rawRequest(f.proxy.port, request(method, `/s/${f.proxy.secret}${path}`, body(), key()))).status,
          "secret as the path id",
        ).toBe(401);
      } else {
        // Neither is a path id a secret, and these routes are gone from `/s/`.
        expect(
          (await rawRequest(f.proxy.port, request(method, `/k/${f.proxy.pathId}${path}`, body()))).status,
          "path id on /k/",
        ).toBe(401);
        const moved = await rawRequest(f.proxy.port, request(method, `/s/${f.proxy.pathId}${path}`, body(), key()));
        expect(moved.status, "the route under /s/<path id>").toBe(404);
      }
      expect(upstreamCount()).toBe(before);
      // The right credential opens it (the feed streams: read its head only).
      const opener = needs === "key" ? f.proxy.codexHeaders : needs === "path" ? codexLogin() : {};
      const ok = await fetch(`${f.proxy.url}${routePath(needs, right, path)}`, {
        method,
        body: body() || undefined,
        headers: { "content-type": "application/json", ...opener },
      });
      expect(ok.status).not.toBe(401);
      await ok.body?.cancel();
    });
  }

  test("websocket upgrade: a wrong or missing path id or header is a 401 before any upstream socket", async () => {
    const before = upstreamCount();
    const path = (id: string) => `/s/${id}/backend-api/codex/responses`;
    for (const [why, id] of [
      ...WRONG(f.proxy.pathId),
      ["missing", ""] as [string, string],
      ["the secret as the path id", f.proxy.secret] as [string, string],
    ]) {
      const r = await rawRequest(f.proxy.port, upgradeText(path(id), host(), { "X-Prodex-Key": f.proxy.secret }));
      expect(r.status, why).toBe(401);
    }
    for (const [why, wrong] of [...WRONG(f.proxy.secret), ["the path id", f.proxy.pathId] as [string, string]]) {
      const r = await rawRequest(f.proxy.port, upgradeText(path(f.proxy.pathId), host(), { "X-Prodex-Key": wrong }));
      expect(r.status, `header: ${why}`).toBe(401);
    }
    const noHeader = await rawRequest(f.proxy.port, upgradeText(path(f.proxy.pathId), host()));
    expect(noHeader.status, "the path id alone").toBe(401);
    expect(upstreamCount()).toBe(before);
    const ok = await rawRequest(
      f.proxy.port,
      upgradeText(path(f.proxy.pathId), host(), { "X-Prodex-Key": f.proxy.secret }),
    );
    expect(ok.status).toBe(101);
  });

  test("the path id alone serves the keyless ChatGPT routes only as sent: never on a pool account", async () => {
    const usage = `${f.proxy.url}/s/${f.proxy.pathId}/backend-api/wham/usage`;
    const seen = () => f.mock.requests({ path: "/backend-api/wham/usage" });
    // Codex's own login: the pool answers (its best account's windows), nothing goes upstream.
    const before = seen().length;
    const pooled = await fetch(usage, { headers: codexLogin("p2") });
    expect(pooled.status).toBe(200);
    expect(seen().length).toBe(before);
    // Without a login the pool knows, the request goes upstream as sent: no pool credentials.
    for (const [why, headers] of [
      ["no login", {}],
      ["a stranger's token", { authorization: "Bearer not-a-pool-token" }],
      ["a pool token's prefix", { authorization: `Bearer ${login("p1").accessToken.slice(0, -1)}` }],
      ["a pool refresh token", { authorization: `Bearer ${refreshToken("p1")}` }],
    ] as [string, Record<string, string>][]) {
      const n = seen().length;
      const r = await fetch(usage, { headers });
      expect(r.status, why).toBe(401);
      const upstream = seen().slice(n);
      expect(upstream.length, why).toBe(1);
      expect(upstream[0]?.accountId, why).toBeNull();
      expect(upstream[0]?.headers["chatgpt-account-id"], why).toBeUndefined();
      expect(upstream[0]?.headers["x-prodex-key"], why).toBeUndefined();
    }
    // A pass-through route too: the body and the caller's own headers go, nothing of the pool's.
    const n = f.mock.requests().length;
    const mcp = await fetch(`${f.proxy.url}/s/${f.proxy.pathId}/backend-api/ps/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    await mcp.body?.cancel();
    const sent = f.mock.requests().slice(n);
    expect(sent.map((q) => [q.path, q.accountId, q.headers.authorization ?? null])).toEqual([
      ["/backend-api/ps/mcp", null, null],
    ]);
    expect(sent[0]?.body).toEqual({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  });

  test("keyless ChatGPT routes cannot be spelled into another route", async () => {
    const before = upstreamCount();
    const id = f.proxy.pathId;
    const tricks = [
      `/s/${id}/backend-api/wham/../codex/responses`,
      `/s/${id}/backend-api/wham/%2e%2e/codex/responses`,
      `/s/${id}/backend-api/wham/..%2fcodex/responses`,
      `/s/${id}/backend-api/wham%2f..%2fcodex/responses`,
      `/s/${id}/backend-api/ps/%2e%2e%2fcodex%2fresponses`,
      `/s/${id}/backend-api//wham/../codex/models`,
      `/s/${id}/backend-api/codex/analytics-events/../models`,
    ];
    for (const path of tricks) {
      const r = await rawRequest(f.proxy.port, request("POST", path, json(responsesBody())));
      expect(r.status, path).toBe(401);
    }
    expect(upstreamCount()).toBe(before);
  });

  const claude: [string, Record<string, string>][] = [
    ["no key", {}],
    ["wrong x-api-key", { "x-api-key": "sk-ant-wrong" }],
    ["x-api-key prefix", { "x-api-key": "PREFIX" }],
    ["x-api-key with extra chars", { "x-api-key": "EXTRA" }],
    ["wrong Bearer", { authorization: "Bearer nope" }],
    ["Bearer prefix", { authorization: "Bearer PREFIX" }],
    ["right Bearer but a wrong x-api-key (x-api-key decides)", { "x-api-key": "nope", authorization: "Bearer RIGHT" }],
  ];
  for (const [why, raw] of claude) {
    test(`Claude /v1/*: ${why} is a 401`, async () => {
      const s = f.proxy.secret;
      const headers = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [
          k,
          v.replace("PREFIX", s.slice(0, -1)).replace("EXTRA", `${s}x`).replace("RIGHT", s),
        ]),
      );
      const before = upstreamCount();
      const body = json({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
      for (const [method, path, b] of [
        ["POST", "/v1/messages", body],
        ["POST", "/v1/messages/count_tokens", body],
        ["GET", "/v1/models", ""],
      ] as const) {
        const r = await fetch(`${f.proxy.url}${path}`, {
          method,
          headers: { "content-type": "application/json", ...headers },
          body: b || undefined,
        });
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(await r.text()).toContain("missing or wrong per-launch secret");
      }
      expect(upstreamCount()).toBe(before);
    });
  }

  test("Claude /v1/*: the right key as x-api-key or Bearer is accepted", async () => {
    const ways: Record<string, string>[] = [
      { "x-api-key": f.proxy.secret },
      { authorization: `Bearer ${f.proxy.secret}` },
    ];
    for (const headers of ways) {
      expect((await fetch(`${f.proxy.url}/v1/models`, { headers })).status).toBe(200);
    }
  });

  test("secrets are compared in constant time", async () => {
    const spy = spyOn(nodeCrypto, "timingSafeEqual");
    try {
      await fetch(`${f.proxy.url}/k/${"B".repeat(f.proxy.secret.length)}/__prodex/state`);
      await fetch(`${f.proxy.url}/k/short/__prodex/state`);
      await fetch(`${f.proxy.url}/s/short/backend-api/wham/usage`);
      await fetch(`${f.proxy.codexBaseUrl}/models`, { headers: { "x-prodex-key": "short" } });
      await fetch(`${f.proxy.url}/v1/models`, { headers: { "x-api-key": "short" } });
      // Every guess, of any length, went through timingSafeEqual (no early length exit).
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(5);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("browser-style requests are refused", () => {
  const forged: [string, Record<string, string>][] = [
    ["an Origin header", { Origin: "https://evil.example" }],
    ["Origin: null (sandboxed iframe, file://)", { Origin: "null" }],
    ["a loopback Origin", { Origin: "http://127.0.0.1:1234" }],
    ["Sec-Fetch-Site", { "Sec-Fetch-Site": "cross-site" }],
  ];
  const hosts = (port: number): [string, string][] => [
    ["DNS rebinding name", `evil.example:${port}`],
    ["wildcard-DNS loopback name", `127.0.0.1.nip.io:${port}`],
    ["loopback with the wrong port", `127.0.0.1:${port + 1}`],
    ["no port", "127.0.0.1"],
    ["empty", ""],
  ];

  test("on every HTTP route family, with the right credentials", async () => {
    const before = upstreamCount();
    for (const [label, method, path, body, needs] of ROUTES) {
      const url = routePath(needs, needs === "secret" ? f.proxy.secret : f.proxy.pathId, path);
      const key = { "X-Prodex-Key": f.proxy.secret };
      for (const [why, headers] of forged)
        expect(
          (await rawRequest(f.proxy.port, request(method, url, body(), { ...key, ...headers }))).status,
          `${label}: ${why}`,
        ).toBe(403);
      for (const [why, h] of hosts(f.proxy.port))
        expect(
          (await rawRequest(f.proxy.port, request(method, url, body(), { ...key, Host: h }))).status,
          `${label}: Host ${why}`,
        ).toBe(403);
    }
    expect(upstreamCount()).toBe(before);
  });

  test("on Claude's /v1/messages and the unauthenticated HEAD /, with the right key", async () => {
    const body = json({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    const before = upstreamCount();
    for (const [why, headers] of forged) {
      expect(
        (
          await rawRequest(
            f.proxy.port,
            request("POST", "/v1/messages", body, { "x-api-key": f.proxy.secret, ...headers }),
          )
        ).status,
        why,
      ).toBe(403);
      expect((await rawRequest(f.proxy.port, request("HEAD", "/", "", headers))).status, `HEAD / ${why}`).toBe(403);
    }
    for (const [why, h] of hosts(f.proxy.port)) {
      expect(
        (
          await rawRequest(
            f.proxy.port,
            request("POST", "/v1/messages", body, { "x-api-key": f.proxy.secret, Host: h }),
          )
        ).status,
        why,
      ).toBe(403);
    }
    expect(upstreamCount()).toBe(before);
  });

  test("on the websocket upgrade, with the right path id and header", async () => {
    const path = `/s/${f.proxy.pathId}/backend-api/codex/responses`;
    const key = { "X-Prodex-Key": f.proxy.secret };
    const before = upstreamCount();
    for (const [why, headers] of forged)
      expect((await rawRequest(f.proxy.port, upgradeText(path, host(), { ...key, ...headers }))).status, why).toBe(403);
    for (const [why, h] of hosts(f.proxy.port))
      expect((await rawRequest(f.proxy.port, upgradeText(path, h, key))).status, why).toBe(403);
    expect(upstreamCount()).toBe(before);
  });

  test("the loopback names a launched client uses are served", async () => {
    for (const h of [`127.0.0.1:${f.proxy.port}`, `localhost:${f.proxy.port}`]) {
      expect(
        (await rawRequest(f.proxy.port, request("GET", `/k/${f.proxy.secret}/__prodex/state`, "", { Host: h }))).status,
        h,
      ).toBe(200);
    }
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { GATEWAY_ACCOUNT_ID, decodeJwt } from "@prodex/core";
import { UpstreamSocket } from "@prodex/proxy";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { responsesBody as body } from "@prodex/testkit/responses-body";
import { WsClient, codexWsHeaders, deltas, responseOf } from "@prodex/testkit/ws-client";
import { createKey } from "../src/index.ts";
import { type GatewayWorld, codexTurn, gatewayWorld } from "./gateway-world.ts";

// Codex's Responses websocket and its own account calls through a gateway instance on a real PostgreSQL: the key
// on the upgrade, the key's limits on the upgrade and per response.create, the relay to the instance's proxy
// (rotation, ledger), close codes both ways, and wham/usage, accounts/check and refresh answered by the gateway.
const cluster = usePgCluster();
const worlds: GatewayWorld[] = [];
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const w of worlds.splice(0)) await w.close();
});

async function world(): Promise<GatewayWorld> {
  const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
  worlds.push(w);
  return w;
}

const wsUrl = (url: string) => `${url.replace(/^http/, "ws")}/backend-api/codex/responses`;

async function open(url: string, key: string, extra: Record<string, string> = {}): Promise<WsClient> {
  const c = await WsClient.open(wsUrl(url), codexWsHeaders({ authorization: `Bearer ${key}`, ...extra }));
  clients.push(c);
  return c;
}

/** An upgrade as a client library sees it: refused with a status and body, or open. */
async function tryUpgrade(url: string, headers: Record<string, string>) {
  const r = await UpstreamSocket.connect(wsUrl(url), headers, {
    timeoutMs: 5_000,
    signal: new AbortController().signal,
  });
  if (r.ok) r.socket.close();
  return r;
}

const wsFrames = (w: GatewayWorld) =>
  w.mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.transport === "ws");

async function until(what: () => boolean | Promise<boolean>, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what()) return true;
    await Bun.sleep(25);
  }
  return what();
}

describe("Codex's websocket through the gateway", () => {
  test("the upgrade needs a key that may serve: none, unknown and viewer keys get one line; nothing goes upstream", async () => {
    const w = await world();
    const g = await w.start();
    const viewer = (await createKey(w.store, "watcher", "viewer")).key;
    const cases: [Record<string, string>, number, string][] = [
      [codexWsHeaders(), 401, "unknown or revoked gateway key"],
      [codexWsHeaders({ authorization: "" }), 401, "a gateway key is required"],
      [
        codexWsHeaders({ authorization: `Bearer ${viewer}` }),
        403,
        "needs a user or admin key (a viewer key only reads)",
      ],
    ];
    for (const [headers, status, line] of cases) {
      const r = await tryUpgrade(g.url, headers);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.status).toBe(status);
      expect(r.body).toContain(line);
      expect(r.body.split("\n").filter(Boolean)).toHaveLength(1);
    }
    expect(w.mock.requests({ path: "/backend-api/codex/responses" })).toHaveLength(0);
  }, 30_000);

  test("relayed to the proxy: prewarm, a chained turn on the same account, the pool's tokens upstream, the ledger names the key; Codex leaving closes the proxy's socket", async () => {
    const w = await world();
    const g = await w.start();
    const c = await open(g.url, w.key, { "session-id": "sess-gw-1" });
    c.create({ ...body("warm"), generate: false });
    const prewarm = await c.turn();
    expect(prewarm.map((f) => f.type)).toEqual(["response.created", "response.completed"]);
    c.create(body("say hi", { previous_response_id: responseOf(prewarm).id }));
    const turn = await c.turn();
    expect(turn.at(-1)?.type).toBe("response.completed");
    expect(deltas(turn)).toBe("hi from mock");
    const upgrades = w.mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.status === 101);
    expect(upgrades).toHaveLength(1);
    const seen = [...upgrades, ...wsFrames(w)];
    expect(seen.map((r) => r.status)).toEqual([101, 200, 200]);
    // One account served the whole connection, with its own token: the gateway key never went upstream.
    expect(new Set(seen.map((r) => r.accountId)).size).toBe(1);
    for (const r of seen) expect(JSON.stringify(r.headers)).not.toContain(w.key.slice(-6));
    expect(seen[0]?.headers).toMatchObject({ "session-id": "sess-gw-1" });
    // The ledger row is the key's (its name), written behind the request.
    expect(await until(async () => (await w.store.ledger.since(0)).some((r) => r.caller === "dev"))).toBe(true);

    // A frame that is not a request: one error frame, and the socket goes on.
    c.ws.send("{not json");
    const [bad] = await c.turn();
    expect(bad).toMatchObject({ type: "error", status: 400, error: { code: "invalid_frame" } });
    expect(String((bad?.error as Record<string, unknown> | undefined)?.message)).toStartWith(
      "prodex gateway: websocket frame is not JSON",
    );
    c.create(body("again"));
    expect(deltas(await c.turn())).toBe("hi from mock");

    c.close();
    const log = () => {
      g.proxy.state.log.flush();
      return Bun.file(g.proxy.runtimeLogPath).text();
    };
    expect(await until(async () => (await log()).includes("ws closed"))).toBe(true);
  }, 30_000);

  test("limits: over its tokens per day, the next response.create gets Codex's usage_limit_reached frame and the socket stays; a new upgrade gets the 429", async () => {
    const w = await world();
    const small = (await createKey(w.store, "small", "user", { tokensPerDay: 1 })).key;
    const g = await w.start();
    const c = await open(g.url, small);
    // The prewarm asks the model for nothing: it is not counted.
    c.create({ ...body("warm"), generate: false });
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    c.create(body("first"));
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    // The answer's tokens are counted when it ends (the request that crosses the limit is served).
    await Bun.sleep(150);
    const before = wsFrames(w).length;
    c.create(body("second"));
    const refused = await c.turn();
    expect(refused).toHaveLength(1);
    const frame = refused[0] as { type: string; status: number; error: Record<string, unknown>; status_code?: number };
    expect(frame.type).toBe("error");
    expect(frame.status).toBe(429);
    expect(frame.status_code).toBeUndefined();
    expect(frame.error.type).toBe("usage_limit_reached");
    expect(frame.error.message).toContain('key "small" has reached its limit of 1 tokens per day');
    expect(Number(frame.error.resets_in_seconds)).toBeGreaterThan(0);
    expect(wsFrames(w).length).toBe(before);
    expect(c.closed).toBeNull();

    const again = await tryUpgrade(g.url, codexWsHeaders({ authorization: `Bearer ${small}` }));
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.status).toBe(429);
      expect(JSON.parse(again.body).error.type).toBe("usage_limit_reached");
    }
    // Another key is unaffected.
    const d = await open(g.url, w.key);
    d.create(body("other key"));
    expect(deltas(await d.turn())).toBe("hi from mock");
  }, 30_000);

  test("Codex leaving mid-answer ends the upstream stream; a Codex that stops reading still gets every frame, in order", async () => {
    const w = await world();
    const g = await w.start();
    const active = async () =>
      ((await (await fetch(`${w.mock.url}/__mock/state`)).json()) as { activeStreams: number }).activeStreams;
    const log = () => {
      g.proxy.state.log.flush();
      return Bun.file(g.proxy.runtimeLogPath).text();
    };
    w.mock.setOptions({ stream: { chunks: 100, chunkDelayMs: 30 } });
    const gone = await open(g.url, w.key);
    gone.create(body("say hi"));
    expect(await until(() => gone.frames.some((x) => x.type === "response.output_text.delta"), 5_000)).toBe(true);
    expect(await active()).toBe(1);
    gone.close();
    expect(await until(async () => (await active()) === 0)).toBe(true);
    expect(await log()).toContain("aborted=true");

    // ≈2.4 MB of deltas while Codex reads nothing for a while: the relay's sends back up and it waits for Bun's
    // drain (not reading the proxy meanwhile); nothing is dropped or reordered, and nothing hangs.
    w.mock.setOptions({ stream: { chunks: 50, chunkSize: 48 * 1024, chunkDelayMs: 0 } });
    const slow = await open(g.url, w.key);
    slow.create(body("say hi"));
    slow.ws.pause();
    await Bun.sleep(1_000);
    slow.ws.resume();
    const frames = await slow.turn(40_000);
    expect(frames.at(-1)?.type).toBe("response.completed");
    expect(deltas(frames).length).toBe(50 * 48 * 1024);
    expect(frames.filter((f) => f.type === "response.output_text.delta")).toHaveLength(50);
  }, 60_000);

  test("a Codex that stops reading holds the proxy back: the relay's buffer stays bounded and the proxy feels it", async () => {
    const w = await world();
    const g = await w.start();
    const log = () => {
      g.proxy.state.log.flush();
      return Bun.file(g.proxy.runtimeLogPath).text();
    };
    // ≈4.8 MB of deltas, sent by the mock as fast as it can, while Codex reads nothing for 1.5 s.
    const CHUNKS = 100;
    const SIZE = 48 * 1024;
    w.mock.setOptions({ stream: { chunks: CHUNKS, chunkSize: SIZE, chunkDelayMs: 0 } });
    const slow = await open(g.url, w.key);
    slow.ws.pause();
    slow.create(body("say hi"));
    let most = 0;
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      most = Math.max(most, g.sockets.buffered());
      await Bun.sleep(10);
    }
    console.log(
      `Codex not reading: at most ${(most / 1e3).toFixed(0)} kB held in the relay (answer ${(CHUNKS * SIZE) / 1e6} MB)`,
    );
    // The relay stopped reading the proxy's socket: what was on its way (measured 0.05–0.45 MB), not the answer.
    // Without the pause every frame the proxy sends lands in the relay's queue: measured 20.6 MB (the deltas and the
    // closing frames that repeat the text).
    expect(most).toBeLessThan(1_000_000);
    // And the proxy felt it: its own client (the relay) was slow, so it stopped reading the upstream.
    expect(await log()).toContain("ws client back-pressure: upstream reads paused until it drains");
    slow.ws.resume();
    const frames = await slow.turn(40_000);
    expect(frames.at(-1)?.type).toBe("response.completed");
    expect(frames.filter((f) => f.type === "response.output_text.delta")).toHaveLength(CHUNKS);
    expect(deltas(frames).length).toBe(CHUNKS * SIZE);
    expect(g.sockets.buffered()).toBe(0);
  }, 60_000);

  test("an upstream that refuses websockets (426): Codex's upgrade gets that answer, and its HTTPS fallback is served", async () => {
    const w = await world();
    // ChatGPT as a deployment that takes no websockets: upgrades refused, everything else the mock's.
    const front = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        if (req.headers.get("upgrade")?.toLowerCase() === "websocket")
          return new Response("Upgrade Required", { status: 426, headers: { "content-type": "text/plain" } });
        const u = new URL(req.url);
        return fetch(`${w.mock.url}${u.pathname}${u.search}`, {
          method: req.method,
          headers: req.headers,
          body: req.body,
        });
      },
    });
    try {
      const g = await w.start(
        {},
        { upstreamBase: w.mock.baseUrl.replace(w.mock.url, `http://127.0.0.1:${front.port}`) },
      );
      for (let i = 0; i < 2; i++) {
        // What Codex reads as "no websockets here" (it then prints "Falling back from WebSockets to HTTPS
        // transport"): the upstream's own status and body, not a 502 or a 101 that fails later.
        const refused = await tryUpgrade(g.url, codexWsHeaders({ authorization: `Bearer ${w.key}` }));
        expect(refused.ok).toBe(false);
        if (refused.ok) continue;
        expect(refused.status).toBe(426);
        expect(refused.body).toBe("Upgrade Required");
      }
      // Not an account's fault: none is rested for it, and the next account was not tried in vain.
      expect(g.proxy.state.pool.snapshot().profiles.every((p) => p.backoff === null)).toBe(true);
      // Codex's fallback, the same turn over HTTPS with the same key: served by the pool.
      const turn = await codexTurn(g.url, w.key);
      expect(turn.status).toBe(200);
      expect(turn.text).toContain("hi from mock");
      expect(wsFrames(w)).toHaveLength(0);
      // The open sockets the refusals left: none, on either side.
      expect(g.sockets.buffered()).toBe(0);
    } finally {
      front.stop(true);
    }
  }, 30_000);

  test("an instance stopping tells Codex it is going away (1001)", async () => {
    const w = await world();
    const g = await w.start();
    const c = await open(g.url, w.key);
    c.create(body("say hi"));
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    await g.stop();
    expect((await c.waitClosed())?.code).toBe(1001);
  }, 30_000);
});

describe("Codex's websocket while PostgreSQL is down", () => {
  test("sockets keep serving what the instance holds; a frame continuing a response only the database could know gets one 503 frame, and the socket stays", async () => {
    const w = await world();
    const g = await w.start();
    const c = await open(g.url, w.key);
    c.create(body("say hi"));
    expect(deltas(await c.turn())).toBe("hi from mock");
    await cluster().stop();
    try {
      expect(await until(async () => (await fetch(`${g.url}/readyz`)).status === 503, 15_000)).toBe(true);
      // The open socket's conversation is known here (its session): it goes on.
      c.create(body("go on"));
      expect(deltas(await c.turn())).toBe("hi from mock");
      // A new socket (the key is known here) continuing a response nobody here has seen.
      const d = await open(g.url, w.key);
      d.create(body("go on", { previous_response_id: "resp_never_seen_here" }));
      const [frame, ...rest] = await d.turn();
      expect(rest).toEqual([]);
      expect(frame).toMatchObject({ type: "error", status: 503, error: { code: "database_unavailable" } });
      expect(String((frame?.error as Record<string, unknown> | undefined)?.message)).toContain("the database");
      expect(frame && "status_code" in frame).toBe(false);
      d.create(body("a new one"));
      expect(deltas(await d.turn())).toBe("hi from mock");
      expect(d.closed).toBeNull();
    } finally {
      await cluster().start();
    }
  }, 60_000);
});

describe("Codex's own account calls through the gateway", () => {
  test("wham/usage is the pool's view and accounts/check the placeholder's workspace: no account email, id or token", async () => {
    const w = await world();
    const g = await w.start();
    const get = (path: string, key: string | null) =>
      fetch(`${g.url}/backend-api/${path}`, {
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "chatgpt-account-id": GATEWAY_ACCOUNT_ID },
      });
    expect((await get("wham/usage", null)).status).toBe(401);
    // Serve once so the pool has windows to show.
    const c = await open(g.url, w.key);
    c.create(body("say hi"));
    await c.turn();
    const usage = await get("wham/usage", w.key);
    expect(usage.status).toBe(200);
    const u = (await usage.json()) as Record<string, unknown> & { rate_limit: { primary_window: unknown } };
    expect(u.account_id).toBe(GATEWAY_ACCOUNT_ID);
    expect(u.email).toBeNull();
    expect(u.rate_limit.primary_window).not.toBeNull();
    const check = (await (await get("wham/accounts/check", w.key)).json()) as { default_account_id: string };
    expect(check.default_account_id).toBe(GATEWAY_ACCOUNT_ID);
    // Routes that would read a pool account's own data are not passed on.
    for (const path of ["wham/profiles/me", "wham/tasks/list", "ps/plugins/installed"]) {
      const refused = await get(path, w.key);
      expect(refused.status).toBe(404);
      expect(await refused.text()).toContain("is not a route the gateway serves");
    }
    expect(w.mock.requests().filter((r) => !r.path.startsWith("/backend-api/codex/"))).toHaveLength(0);
    const served = `${JSON.stringify(u)}${JSON.stringify(check)}`;
    for (const id of ["acct-a", "acct-b"]) {
      expect(served).not.toContain(id);
      expect(served).not.toContain(w.mock.authFile(id).tokens.access_token.slice(-12));
    }
  }, 30_000);

  test("refresh answers the placeholder login for a live key, invalid_grant for any other; revoke changes nothing", async () => {
    const w = await world();
    const g = await w.start();
    const post = (path: string, payload: unknown) =>
      fetch(`${g.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
    const ok = await post("/oauth/token", {
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: w.key,
      refresh_reason: "scheduled",
    });
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as Record<string, string>;
    expect(tokens.access_token).toBe(w.key);
    expect(tokens.refresh_token).toBe(w.key);
    expect(decodeJwt(tokens.id_token ?? "")?.accountId).toBe(GATEWAY_ACCOUNT_ID);
    expect(w.mock.refreshCalls("acct-a") + w.mock.refreshCalls("acct-b")).toBe(0);
    const bad = await post("/oauth/token", { grant_type: "refresh_token", refresh_token: "pdxgw_not-a-key" });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await post("/oauth/token", { grant_type: "password" })).status).toBe(400);
    expect((await post("/oauth/revoke", { token: w.key })).status).toBe(200);
    // Still a live key.
    expect((await post("/oauth/token", { grant_type: "refresh_token", refresh_token: w.key })).status).toBe(200);
  }, 30_000);
});

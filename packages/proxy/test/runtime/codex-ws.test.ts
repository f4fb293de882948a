import { afterEach, describe, expect, test } from "bun:test";
import type { PoolEvent } from "@prodex/core";
import { startProxy } from "../../src/server.ts";
import {
  type PoolFixture,
  TWO_ACCOUNTS,
  activeStreams,
  responsesBody,
  usePoolFixtures,
} from "../helpers/pool-fixture.ts";
import { type Frame, WsClient, codexWsHeaders, deltas, proxyWsUrl, responseOf } from "../helpers/ws-client.ts";

let clients: WsClient[] = [];
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});
const openPool = usePoolFixtures();

const two = TWO_ACCOUNTS;

async function open(fx: PoolFixture, headers = codexWsHeaders()): Promise<WsClient> {
  const c = await WsClient.open(proxyWsUrl(fx), { ...fx.proxy.codexHeaders, ...headers });
  clients.push(c);
  return c;
}

/** What the mock saw on the websocket: one line per response.create, "account:status". */
function wsSeen(fx: PoolFixture): { account: string | null; status: number; body: Frame }[] {
  return fx.mock
    .requests({ path: "/backend-api/codex/responses" })
    .filter((r) => r.transport === "ws")
    .map((r) => ({ account: r.accountId, status: r.status, body: (r.body ?? {}) as Frame }));
}

const types = (frames: Frame[]) => frames.map((x) => String(x.type));

async function runtimeLog(fx: PoolFixture): Promise<string> {
  fx.proxy.state.log.flush();
  return Bun.file(fx.proxy.runtimeLogPath).text();
}

describe("codex websocket through the proxy", () => {
  test("answers a request with the serving account's credentials and Codex's own handshake headers", async () => {
    const f = await openPool(two);
    const c = await open(f, codexWsHeaders({ "session-id": "sess-plain" }));
    c.create(responsesBody("say hi"));
    const frames = await c.turn();
    expect(types(frames).at(-1)).toBe("response.completed");
    expect(deltas(frames)).toBe("hi from mock");
    const upgrade = f.mock.requests({ path: "/backend-api/codex/responses" }).find((r) => r.status === 101);
    // 101 from the mock: it accepted acct-a's own token, not Codex's.
    expect(upgrade?.accountId).toBe("acct-a");
    expect(upgrade?.headers).toMatchObject({
      "chatgpt-account-id": "acct-a",
      "openai-beta": "responses_websockets=2026-02-06",
      originator: "codex_exec",
      version: "0.169.0",
      "session-id": "sess-plain",
    });
    expect(wsSeen(f).map((r) => `${r.account}:${r.status}`)).toEqual(["acct-a:200"]);
    expect(f.proxy.state.bindings.lookup("session", "sess-plain")).toBe("p1");
    expect(await runtimeLog(f)).toMatch(/request transport=ws conn=\d+ what=response .*profile=p1 completed=true/);
  });

  test("prewarm, then previous_response_id stays on its account although another is now better", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.create({ ...responsesBody("hi"), generate: false });
    const prewarm = await c.turn();
    expect(types(prewarm)).toEqual(["response.created", "response.completed"]);
    // p1 now looks nearly spent: a fresh request would go to p2.
    const now = Date.now();
    f.proxy.state.pool.observe("p1", [
      { label: "5h", usedPercent: 96, windowSeconds: 18_000, resetAt: now + 3_600_000, limit: "codex" },
    ]);
    expect(f.proxy.state.pool.choose(new Set()).choice).toBe("p2");
    c.create({ ...responsesBody("say hi"), previous_response_id: responseOf(prewarm).id });
    const turn = await c.turn();
    expect(deltas(turn)).toBe("hi from mock");
    const seen = wsSeen(f);
    expect(seen.map((r) => `${r.account}:${r.status}`)).toEqual(["acct-a:200", "acct-a:200"]);
    // Sent as Codex sent it: chained, only the new input.
    expect(seen[1]?.body.previous_response_id).toBe(String(responseOf(prewarm).id));
    // The prewarm is no output: only the real response counts as a success for p1.
    expect(f.proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.requests).toBe(1);
  });

  test("the first frames stay on the account the upgrade connected to: no second handshake", async () => {
    const f = await openPool(two);
    const c = await open(f);
    f.proxy.state.pool.observe("p1", [
      { label: "5h", usedPercent: 95, windowSeconds: 18_000, resetAt: Date.now() + 3_600_000, limit: "codex" },
    ]);
    expect(f.proxy.state.pool.choose(new Set()).choice).toBe("p2");
    c.create({ ...responsesBody("hi"), generate: false });
    const prewarm = await c.turn();
    c.create({ ...responsesBody("say hi"), previous_response_id: responseOf(prewarm).id });
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(wsSeen(f).map((r) => r.account)).toEqual(["acct-a", "acct-a"]);
    expect(f.mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.status === 101)).toHaveLength(1);
  });

  test("a usage-limit error frame before commit is rotated away unseen, the conversation replayed on the next account", async () => {
    const f = await openPool(two);
    const events: PoolEvent[] = [];
    f.ctx.events.subscribe((e) => events.push(e));
    const c = await open(f);
    c.create({ ...responsesBody("hi"), generate: false });
    const prewarm = await c.turn();
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    c.create({ ...responsesBody("say hi"), previous_response_id: responseOf(prewarm).id });
    const turn = await c.turn();
    expect(types(turn)).not.toContain("error");
    expect(deltas(turn)).toBe("hi from mock");
    const seen = wsSeen(f);
    expect(seen.map((r) => `${r.account}:${r.status}`)).toEqual(["acct-a:200", "acct-a:429", "acct-b:200"]);
    // On the new account the request is self-contained: the prewarm's input, then the new one.
    expect(seen[2]?.body.previous_response_id).toBeUndefined();
    expect(JSON.stringify(seen[2]?.body.input)).toContain('"hi"');
    expect(JSON.stringify(seen[2]?.body.input)).toContain('"say hi"');
    expect(f.proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.backoff?.reason).toBe("quota");
    const rotation = events.find((e) => e.kind === "rotation");
    expect(rotation?.message).toContain("p1 → p2");
    expect(rotation?.data).toMatchObject({ client: "ws" });
    // The next turn chains on p2's socket, as Codex sends it.
    c.create({ ...responsesBody("more"), previous_response_id: responseOf(turn).id });
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(wsSeen(f).at(-1)).toMatchObject({
      account: "acct-b",
      status: 200,
      body: { previous_response_id: responseOf(turn).id },
    });
  });

  test("a stream that fails or drops before any output moves too", async () => {
    const f = await openPool([...two, { id: "acct-c", primary: { usedPercent: 30 } }]);
    f.mock.fault("acct-a", { kind: "stream_failed_usage_limit" });
    const c = await open(f);
    c.create(responsesBody("one"));
    const first = await c.turn();
    expect(types(first)).not.toContain("response.failed");
    expect(deltas(first)).toBe("hi from mock");
    f.mock.fault("acct-b", { kind: "drop_after_events", events: 2 });
    c.create(responsesBody("two"));
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(c.closed).toBeNull();
    expect(wsSeen(f).map((r) => r.account)).toEqual(["acct-a", "acct-b", "acct-b", "acct-c"]);
  });

  test("an error after the commit point passes through unchanged", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "error_after_commit", afterEvents: 5 });
    const c = await open(f);
    c.create(responsesBody("say hi"));
    const t = types(await c.turn());
    expect(t).toContain("response.output_text.delta");
    expect(t.at(-1)).toBe("response.failed");
    expect(wsSeen(f).map((r) => r.account)).toEqual(["acct-a"]);
  });

  test("the upstream breaking after commit breaks the client's socket the same way", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "drop_after_events", events: 6 });
    const c = await open(f);
    c.create(responsesBody("say hi"));
    const t = types(await c.turn());
    expect(t).toContain("response.output_text.delta");
    expect((await c.waitClosed())?.code).toBe(1006);
    expect(wsSeen(f)).toHaveLength(1);
  });

  test("a 401 error frame refreshes the account's token and replays on a new socket", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.create(responsesBody("one"));
    const first = await c.turn();
    f.mock.fault("acct-a", { kind: "unauthorized" });
    c.create({ ...responsesBody("two"), previous_response_id: responseOf(first).id });
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(wsSeen(f).map((r) => `${r.account}:${r.status}`)).toEqual(["acct-a:200", "acct-a:401", "acct-a:200"]);
    expect(f.mock.refreshCalls("acct-a")).toBe(1);
  });

  test("an upstream socket that closes between requests is reopened and the turn replayed, with no back-off", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.create(responsesBody("one"));
    const first = await c.turn();
    f.mock.fault("acct-a", { kind: "reset_before_first_byte" });
    c.create({ ...responsesBody("two"), previous_response_id: responseOf(first).id });
    expect(deltas(await c.turn())).toBe("hi from mock");
    const seen = wsSeen(f);
    expect(seen.map((r) => `${r.account}:${r.status}`)).toEqual(["acct-a:200", "acct-a:0", "acct-a:200"]);
    expect(seen[2]?.body.previous_response_id).toBeUndefined();
    expect(
      f.mock
        .requests({ path: "/backend-api/codex/responses" })
        .filter((r) => r.status === 101)
        .map((r) => r.accountId),
    ).toEqual(["acct-a", "acct-a"]);
    expect(f.proxy.state.pool.availability("p1").ok).toBe(true);
    expect(await runtimeLog(f)).toContain("ws reconnect");
  });

  test("owner exhausted: replayed on the same connection; from a connection without its state, a clear stale_continuation frame", async () => {
    const f = await openPool(two);
    const a = await open(f);
    a.create(responsesBody("one"));
    const first = await a.turn();
    const id = String(responseOf(first).id);
    f.mock.exhaust("acct-a", 1800);
    a.create({ ...responsesBody("two"), previous_response_id: id });
    expect(deltas(await a.turn())).toBe("hi from mock");
    expect(f.proxy.state.pool.availability("p1")).toMatchObject({ ok: false, why: "quota" });

    const before = wsSeen(f).length;
    const b = await open(f);
    b.create({ ...responsesBody("three"), previous_response_id: id });
    const [frame] = await b.turn();
    expect(frame).toMatchObject({
      type: "error",
      status: 409,
      error: { type: "stale_continuation", code: "stale_continuation" },
    });
    expect(frame && "status_code" in frame).toBe(false);
    const message = String((frame?.error as Frame | undefined)?.message);
    expect(message).toContain("belongs to account p1");
    expect(message).toContain("(usage limit reached) until 20");
    expect(wsSeen(f)).toHaveLength(before);
    // The same socket still serves a self-contained request (what Codex resends after this frame).
    b.create(responsesBody("four"));
    expect(deltas(await b.turn())).toBe("hi from mock");
    expect(wsSeen(f).at(-1)?.account).toBe("acct-b");
  });

  test("a handshake whose windows say the account is out rests it, as a refused frame would, and no frame is spent there", async () => {
    const f = await openPool(two);
    const events: PoolEvent[] = [];
    f.ctx.events.subscribe((e) => events.push(e));
    f.mock.exhaust("acct-a", 900);
    const c = await open(f);
    c.create(responsesBody("say hi"));
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(wsSeen(f).map((r) => `${r.account}:${r.status}`)).toEqual(["acct-b:200"]);
    expect(f.proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.backoff?.reason).toBe("quota");
    // The rest is an event like any other (a team gateway's instances share it from there).
    expect(events.find((e) => e.kind === "backoff" && e.profile === "p1")?.data).toMatchObject({ reason: "quota" });
  });

  test("every account at its limit: Codex gets the usage-limit error frame", async () => {
    const f = await openPool(two);
    f.mock.exhaust("acct-a", 600);
    f.mock.exhaust("acct-b", 300);
    const c = await open(f);
    c.create(responsesBody("say hi"));
    const [frame] = await c.turn();
    expect(frame).toMatchObject({ type: "error", status: 429, error: { type: "usage_limit_reached" } });
    expect(frame && "status_code" in frame).toBe(false);
  });

  test("a client that goes away mid-answer closes the upstream socket", async () => {
    const f = await openPool(two);
    f.mock.setOptions({ stream: { chunks: 100, chunkDelayMs: 30 } });
    const c = await open(f);
    c.create(responsesBody("say hi"));
    const deadline = Date.now() + 5_000;
    while (!c.frames.some((x) => x.type === "response.output_text.delta") && Date.now() < deadline) await Bun.sleep(20);
    expect(await activeStreams(f)).toBe(1);
    c.close();
    const until = Date.now() + 3_000;
    while ((await activeStreams(f)) > 0 && Date.now() < until) await Bun.sleep(50);
    expect(await activeStreams(f)).toBe(0);
    expect(f.mock.accounts().find((x) => x.id === "acct-a")?.counters.completed).toBe(0);
    expect(await runtimeLog(f)).toContain("aborted=true");
  });

  test("a slow client holds the upstream back, and still gets every frame in order", async () => {
    const f = await openPool(two);
    f.mock.setOptions({ stream: { chunks: 50, chunkSize: 48 * 1024 } });
    const c = await open(f);
    c.create(responsesBody("say hi"));
    // Stop reading: the proxy's sends back up, it pauses the upstream, then waits for drain.
    // (≈12 MB in all with the done events: the mock, like any Bun server, drops frames past 16 MB unsent.)
    c.ws.pause();
    // Wait for the proxy to notice (a loaded machine may take a while), not a fixed time.
    const fx = f;
    for (let i = 0; i < 150 && !(await runtimeLog(fx)).includes("ws client back-pressure"); i++) await Bun.sleep(100);
    c.ws.resume();
    const frames = await c.turn(40_000);
    expect(types(frames).at(-1)).toBe("response.completed");
    expect(deltas(frames).length).toBe(50 * 48 * 1024);
    expect(await runtimeLog(f)).toContain("ws client back-pressure");
  }, 60_000);

  test("bad frames get an error frame and the connection keeps working", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.ws.send("{not json");
    const [bad] = await c.turn();
    expect(bad).toMatchObject({
      type: "error",
      status: 400,
      error: { type: "invalid_request_error", code: "invalid_frame" },
    });
    expect(bad && "status_code" in bad).toBe(false);
    c.ws.send(JSON.stringify({ model: "gpt-5" }));
    expect((await c.turn())[0]).toMatchObject({ type: "error", status: 400 });
    c.create(responsesBody("say hi"));
    expect(deltas(await c.turn())).toBe("hi from mock");
    expect(wsSeen(f)).toHaveLength(1);
  });

  test("a frame over the size limit gets a 413 error frame, not a crash", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.create({ ...responsesBody("x"), padding: "x".repeat(64 * 1024 * 1024 + 16) });
    const [frame] = await c.turn(20_000);
    expect(frame).toMatchObject({ type: "error", status: 413 });
    c.create(responsesBody("say hi"));
    expect(deltas(await c.turn())).toBe("hi from mock");
  }, 30_000);

  test("an upstream that refuses websockets (426) refuses Codex's upgrade too, so Codex falls back to HTTPS", async () => {
    const f = await openPool(two);
    const fake = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response("Upgrade Required", { status: 426 }),
    });
    const other = await startProxy({
      ctx: f.ctx,
      upstreamBase: `http://127.0.0.1:${fake.port}/backend-api`,
      preferred: "p1",
      syncMs: 0,
      quotaRefresh: false,
    });
    try {
      const url = `${other.codexBaseUrl.replace(/^http/, "ws")}/responses`;
      await expect(WsClient.open(url, codexWsHeaders(other.codexHeaders))).rejects.toThrow("426");
      // Not the account's fault: nobody is backed off for it.
      expect(other.state.pool.snapshot().profiles.every((p) => p.backoff === null)).toBe(true);
    } finally {
      await other.stop({ drainMs: 100 });
      fake.stop(true);
    }
  });

  test("an unreachable upstream: the upgrade is taken, each request gets a clear pool_unavailable frame", async () => {
    const f = await openPool(two);
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    closed.stop(true);
    const other = await startProxy({
      ctx: f.ctx,
      upstreamBase: `http://127.0.0.1:${port}/backend-api`,
      preferred: "p1",
      syncMs: 0,
      quotaRefresh: false,
    });
    try {
      const c = await WsClient.open(
        `${other.codexBaseUrl.replace(/^http/, "ws")}/responses`,
        codexWsHeaders(other.codexHeaders),
      );
      clients.push(c);
      c.create(responsesBody("say hi"));
      // Like HTTP, the request first waits out the accounts' brief rests (a few seconds), then answers.
      const [frame] = await c.turn(20_000);
      expect(frame).toMatchObject({ type: "error", status: 503, error: { code: "pool_unavailable" } });
      expect(String((frame?.error as Frame | undefined)?.message)).toContain(
        "No account in the prodex pool can serve right now",
      );
    } finally {
      await other.stop({ drainMs: 100 });
    }
  }, 30_000);

  test("stopping the proxy closes Codex's socket and the upstream one", async () => {
    const f = await openPool(two);
    const c = await open(f);
    c.create(responsesBody("say hi"));
    await c.turn();
    await f.proxy.stop({ drainMs: 100 });
    expect((await c.waitClosed())?.code).toBe(1001);
    expect(await runtimeLog(f)).toMatch(/ws closed conn=\d+ code=1001/);
  });

  test("the upgrade needs the launch's path id and its secret in the header, a loopback Host and no Origin", async () => {
    const f = await openPool(two);
    const key = f.proxy.codexHeaders;
    const wrong = `ws://127.0.0.1:${f.proxy.port}/s/wrong-path-id/backend-api/codex/responses`;
    await expect(WsClient.open(wrong, codexWsHeaders(key))).rejects.toThrow("401");
    await expect(
      WsClient.open(`ws://127.0.0.1:${f.proxy.port}/backend-api/codex/responses`, codexWsHeaders(key)),
    ).rejects.toThrow("401");
    // The path id alone (what Codex's arguments show other users) opens no socket.
    await expect(WsClient.open(proxyWsUrl(f), codexWsHeaders())).rejects.toThrow("401");
    await expect(WsClient.open(proxyWsUrl(f), codexWsHeaders({ "x-prodex-key": f.proxy.pathId }))).rejects.toThrow(
      "401",
    );
    // Nor does the secret in the path where the path id belongs.
    await expect(
      WsClient.open(
        `ws://127.0.0.1:${f.proxy.port}/s/${f.proxy.secret}/backend-api/codex/responses`,
        codexWsHeaders(key),
      ),
    ).rejects.toThrow("401");
    await expect(
      WsClient.open(proxyWsUrl(f), codexWsHeaders({ ...key, origin: "http://evil.example" })),
    ).rejects.toThrow("403");
    expect(f.mock.requests({ path: "/backend-api/codex/responses" })).toHaveLength(0);
  });
});

import { describe, expect, test } from "bun:test";
import { Context } from "@prodex/core";
import { parsePromText, promSum } from "@prodex/testkit/prom-text";
import { messagesBody, postMessages } from "../helpers/claude-client.ts";
import { WsClient, codexWsHeaders, deltas, proxyWsUrl, responseOf } from "../helpers/ws-client.ts";
import { type PoolFixture, postResponses, responsesBody, usePoolFixtures } from "../helpers/pool-fixture.ts";

// A paused account through a real proxy and the mock upstream: no new conversation goes to it, the conversation it
// holds goes on there (no stale-continuation 409), resume brings it back, and a pool paused whole says so at once.

const openPool = usePoolFixtures();
const served = (fx: PoolFixture) => fx.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.accountId);
const EVEN = [
  { id: "acct-a", primary: { usedPercent: 10 } },
  { id: "acct-b", primary: { usedPercent: 10 } },
];

async function control(f: PoolFixture, body: unknown): Promise<Response> {
  return fetch(f.proxy.controlUrl, { method: "POST", body: JSON.stringify(body) });
}

/** `/metrics`' paused-accounts gauge (a gateway instance says it the same way: gateway test/pause-account). */
async function pausedGauge(f: PoolFixture): Promise<number> {
  const res = await fetch(`${f.proxy.url}/metrics`, { headers: { authorization: `Bearer ${f.proxy.secret}` } });
  return promSum(parsePromText(await res.text()), "prodex_accounts_paused");
}

async function turn(f: PoolFixture, text: string, key: string, extra: Record<string, string> = {}) {
  const res = await postResponses(f, responsesBody(text, { prompt_cache_key: key }), { "session-id": key, ...extra });
  const body = await res.text();
  return { status: res.status, body, turnState: res.headers.get("x-codex-turn-state") };
}

describe("pausing an account", () => {
  test("no new conversation goes to it; its own conversation continues there; resume brings it back", async () => {
    const f = await openPool(EVEN);
    const first = await turn(f, "hi", "c1");
    expect(first.status).toBe(200);
    expect(served(f)).toEqual(["acct-a"]);
    expect(await pausedGauge(f)).toBe(0);

    expect((await control(f, { pause: "p1" })).status).toBe(200);
    expect(await pausedGauge(f)).toBe(1);
    // Stored, so a restart and every launch sharing the store see it.
    expect(f.ctx.store.profiles.get("p1")?.pausedAt).toBeNumber();

    const own = await turn(f, "more", "c1", { "x-codex-turn-state": first.turnState ?? "" });
    expect(own.status).toBe(200);
    expect(own.body).toContain("hi from mock");
    const fresh = await turn(f, "new", "c2");
    expect(fresh.status).toBe(200);
    expect(served(f)).toEqual(["acct-a", "acct-a", "acct-b"]);

    const state = (await (await fetch(f.proxy.stateUrl)).json()) as { profiles: { name: string; paused?: unknown }[] };
    expect(state.profiles.find((p) => p.name === "p1")?.paused).toMatchObject({ by: null });

    expect((await control(f, { resume: "p1" })).status).toBe(200);
    expect(f.ctx.store.profiles.get("p1")?.pausedAt).toBeNull();
    // Back in the pool: with the other one paused now, new work goes to it.
    expect((await control(f, { pause: "p2" })).status).toBe(200);
    expect(await pausedGauge(f)).toBe(1);
    expect((await turn(f, "again", "c3")).status).toBe(200);
    expect(served(f).at(-1)).toBe("acct-a");
  });

  test("over the websocket: a chained turn stays on its paused account (no 409), a new connection goes elsewhere", async () => {
    const f = await openPool(EVEN);
    const wsServed = () =>
      f.mock
        .requests({ path: "/backend-api/codex/responses" })
        .filter((r) => r.transport === "ws")
        .map((r) => `${r.accountId}:${r.status}`);
    const first = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
    const second = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
    try {
      first.create(responsesBody("hi"));
      const turn = await first.turn();
      expect(deltas(turn)).toBe("hi from mock");
      expect((await control(f, { pause: "p1" })).status).toBe(200);
      // previous_response_id cannot leave its owner: paused, the owner still serves it.
      first.create({ ...responsesBody("more"), previous_response_id: responseOf(turn).id });
      expect(deltas(await first.turn())).toBe("hi from mock");
      second.create(responsesBody("new"));
      expect(deltas(await second.turn())).toBe("hi from mock");
      expect(wsServed()).toEqual(["acct-a:200", "acct-a:200", "acct-b:200"]);
    } finally {
      first.close();
      second.close();
    }
  });

  test("a pause survives a restart of the proxy (read from the store)", async () => {
    const f = await openPool(EVEN);
    await control(f, { pause: "p1" });
    const ctx = new Context({ env: f.env, source: "test-reopen", eventMode: "buffered" });
    try {
      expect(ctx.store.profiles.get("p1")?.pausedAt).toBeNumber();
    } finally {
      ctx.close();
    }
    f.proxy.state.pool.reload();
    expect(f.proxy.state.pool.availability("p1")).toMatchObject({ ok: false, why: "paused" });
  });

  test("a bad name is one clear 404; a bad body a 400 naming the shapes", async () => {
    const f = await openPool(EVEN);
    const res = await control(f, { pause: "nobody" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "no profile named nobody" } });
    const bad = await control(f, { pause: 3 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('{\\"pause\\": name}');
  });

  test("every account paused: Codex and Claude Code get the pool's answer naming the pause, at once", async () => {
    const f = await openPool(EVEN);
    await control(f, { pause: "p1" });
    await control(f, { pause: "p2" });
    const started = Date.now();
    const codex = await postResponses(f, responsesBody("hi", { prompt_cache_key: "x" }), { "session-id": "x" });
    expect(codex.status).toBe(503);
    const codexError = ((await codex.json()) as { error: { code: string; message: string } }).error;
    expect(codexError.code).toBe("pool_paused");
    expect(codexError.message).toContain("p1: paused; p2: paused");
    expect(codexError.message).toContain("prodex profile resume NAME");

    const claude = await postMessages(f, messagesBody("hi"), { session: "s" });
    expect(claude.status).toBe(503);
    // Nothing comes back by itself: Claude Code is told not to retry for minutes.
    expect(claude.headers.get("x-should-retry")).toBe("false");
    const claudeError = (await claude.json()) as { type: string; error: { message: string } };
    expect(claudeError.type).toBe("error");
    expect(claudeError.error.message).toContain("paused");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(served(f)).toEqual([]);
  });
});

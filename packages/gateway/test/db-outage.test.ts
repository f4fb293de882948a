import { describe, expect, test } from "bun:test";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { claudeTurn, codexTurn, gatewayWorld, until } from "./gateway-world.ts";

// PostgreSQL stopped for 10 s under load, then started again, under two gateway instances. Its own cluster:
// stopping it must not disturb another file.
const cluster = usePgCluster();

const ONLY_THE_DATABASE_KNOWS =
  /^prodex gateway: this conversation continues on an account only the database knows, and the database is unreachable since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; retry when it is back$/;

async function openaiTurn(url: string, key: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/openai/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5", input: "hi", ...body }),
  });
  return { status: res.status, text: await res.text() };
}

describe("PostgreSQL down under load", () => {
  test("unready with a reason, served from memory, one clear 503 for what needs it, nothing lost or doubled", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const first = await codexTurn(a.url, w.key);
      expect(first.status).toBe(200);
      const turnState = first.headers.get("x-codex-turn-state") ?? "";
      expect((await codexTurn(b.url, w.key)).status).toBe(200); // B has seen the key
      await Bun.sleep(150); // the binding reaches B

      await cluster().stop();
      const stoppedAt = performance.now();
      let served = 2;
      let failed = 0;
      // Load while the database is down: 2 streams per instance, new conversations and the known one.
      const load = (async () => {
        while (performance.now() - stoppedAt < 10_000) {
          const results = await Promise.all([
            codexTurn(a.url, w.key),
            codexTurn(b.url, w.key, {}, { "x-codex-turn-state": turnState }),
            codexTurn(b.url, w.key),
            codexTurn(a.url, w.key, {}, { "x-codex-turn-state": turnState }),
          ]);
          for (const r of results) r.status === 200 ? served++ : failed++;
          await Bun.sleep(100);
        }
      })();
      await until("A unready", async () => (await fetch(`${a.url}/readyz`)).status === 503, 5_000);
      const ready = (await (await fetch(`${a.url}/readyz`)).json()) as { ready: boolean; reason: string };
      expect(ready.ready).toBe(false);
      expect(ready.reason).toContain("PostgreSQL unreachable");
      expect((await fetch(`${b.url}/livez`)).status).toBe(200);

      // What needs the database: a continuation nobody here knows (Codex's and an OpenAI client's shape), a key
      // this instance has not seen.
      const unknown = await codexTurn(b.url, w.key, {}, { "x-codex-turn-state": "never-seen-turn-state" });
      expect(unknown.status).toBe(503);
      expect(unknown.headers.get("retry-after")).toBe("5");
      expect(JSON.parse(unknown.text).error).toEqual({
        type: "server_error",
        code: "database_unavailable",
        message: expect.stringMatching(ONLY_THE_DATABASE_KNOWS),
      });
      const openai = await openaiTurn(b.url, w.key, { previous_response_id: "resp_never_seen" });
      expect(openai.status).toBe(503);
      expect(JSON.parse(openai.text).error).toMatchObject({
        type: "server_error",
        code: "database_unavailable",
        message: expect.stringMatching(ONLY_THE_DATABASE_KNOWS),
      });
      const newKey = await codexTurn(a.url, "pdxgw_not_seen_before");
      expect(newKey.status).toBe(503);
      expect(JSON.parse(newKey.text).error.message).toMatch(
        /^prodex gateway: a key this instance has not seen cannot be checked, and the database is unreachable since /,
      );

      await load;
      expect(failed).toBe(0);
      expect(a.queue.size() + b.queue.size()).toBeGreaterThan(0);
      await cluster().start();
      await until(
        "both ready",
        async () => (await fetch(`${a.url}/readyz`)).status === 200 && (await fetch(`${b.url}/readyz`)).status === 200,
        20_000,
      );
      await until("queues flushed", () => a.queue.size() + b.queue.size() === 0, 10_000);
      expect(a.queue.dropped + b.queue.dropped).toBe(0);

      // Every request the mock answered was one the clients got; the conversation stayed on its owner.
      const inference = w.mock.requests({ path: "/backend-api/codex/responses" });
      expect(inference.length).toBe(served);
      const owner = inference[0]?.accountId;
      const continued = inference.filter((r) => r.headers["x-codex-turn-state"] === turnState);
      expect(continued.length).toBeGreaterThan(0);
      expect(new Set(continued.map((r) => r.accountId))).toEqual(new Set([owner ?? null]));

      // The shared timeline holds each instance's events exactly once (local timeline = shared timeline).
      const shared = await w.store.events.since(0, 100_000);
      for (const g of [a, b]) {
        g.proxy.state.ctx.events.flush();
        const local = g.proxy.state.ctx.store.events
          .list({ limit: 100_000 })
          .map((e) => `${e.at}|${e.kind}|${e.message}`);
        const mine = shared.filter((e) => e.instance === g.instance).map((e) => `${e.at}|${e.kind}|${e.message}`);
        expect(mine.sort()).toEqual(local.sort());
      }
      // Bindings made during the outage reached the database.
      const localBindings = a.proxy.state.ctx.store.bindings.touchedSince(0);
      const found = await w.store.bindings.find(localBindings.map((r) => ({ kind: r.kind, key: r.key })));
      expect(found.length).toBe(localBindings.length);
    } finally {
      await cluster().start();
      await w.close();
    }
  }, 90_000);

  test("a token due for refresh while the database is down: used while it lasts; an expiring one is one clear 503 naming the database, in each client's shape", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }], {
      expiring: ["acct-a"],
      expiresInSeconds: { "acct-b": 5 },
    });
    try {
      const a = await w.start();
      // This instance has seen the key (a request it refused for its role: the key check ran).
      expect(
        (await fetch(`${a.url}/gateway/v1/accounts`, { headers: { authorization: `Bearer ${w.key}` } })).status,
      ).toBe(403);
      await cluster().stop();
      await until("A unready", async () => (await fetch(`${a.url}/readyz`)).status === 503, 5_000);
      // acct-a has 60 s left: served on it, no refresh attempted.
      a.proxy.state.pool.select("acct-a", "test");
      expect((await codexTurn(a.url, w.key)).status).toBe(200);
      // acct-b has 5 s left: too little to use, and the refresh needs the database.
      a.proxy.state.pool.select("acct-b", "test");
      a.proxy.state.pool.setAutoRotate(false);
      const r = await codexTurn(a.url, w.key);
      expect(r.status).toBe(503);
      expect(r.text.split("\n").filter(Boolean).length).toBe(1);
      const down = a.health.current;
      if (down.ok) throw new Error("the database should be down");
      const since = new Date(down.since).toISOString().replace(/\.\d+Z$/, "Z");
      const line = `prodex gateway: account acct-b's token needs a refresh, and the database is unreachable since ${since}; retry when it is back`;
      expect(JSON.parse(r.text).error).toEqual({ type: "server_error", code: "dependency_unavailable", message: line });
      // Claude Code: Anthropic's shape, a 503 it retries; an OpenAI client: OpenAI's.
      const claude = await claudeTurn(a.url, w.key);
      expect(claude.status).toBe(503);
      expect(await claude.json()).toEqual({ type: "error", error: { type: "overloaded_error", message: line } });
      const openai = await openaiTurn(a.url, w.key);
      expect(openai.status).toBe(503);
      expect(JSON.parse(openai.text).error).toMatchObject({ type: "server_error", message: line });
      // The account is not at fault: not rested, here or for the other instances.
      expect(a.proxy.state.pool.snapshot().profiles.find((p) => p.name === "acct-b")?.backoff ?? null).toBeNull();
      expect(w.mock.refreshCalls()).toBe(0);
      // Back: the same request refreshes the token and is served.
      await cluster().start();
      await until("A ready", async () => (await fetch(`${a.url}/readyz`)).status === 200, 20_000);
      expect((await codexTurn(a.url, w.key)).status).toBe(200);
      expect(w.mock.refreshCalls()).toBe(1);
    } finally {
      await cluster().start();
      await w.close();
    }
  }, 60_000);
});

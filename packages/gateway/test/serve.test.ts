import { describe, expect, test } from "bun:test";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { codexTurn, gatewayWorld } from "./gateway-world.ts";

// Two gateway instances in this process on one real PostgreSQL, the mock ChatGPT upstream behind them.
const cluster = usePgCluster();

describe("gateway serve", () => {
  test("probes need no key; every other route does; a user key is served from the pool", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const g = await w.start();
      expect((await fetch(`${g.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${g.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ instance: g.instance, ready: true });
      const none = await fetch(`${g.url}/backend-api/codex/responses`, { method: "POST", body: "{}" });
      expect(none.status).toBe(401);
      const wrong = await codexTurn(g.url, "pdxgw_wrong");
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain("unknown or revoked gateway key");
      const ok = await codexTurn(g.url, w.key);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("response.completed");
      expect(w.mock.requests({ path: "/backend-api/codex/responses" }).length).toBe(1);
      // The user key cannot read the admin routes.
      expect(
        (await fetch(`${g.url}/gateway/v1/accounts`, { headers: { authorization: `Bearer ${w.key}` } })).status,
      ).toBe(403);
    } finally {
      await w.close();
    }
  }, 60_000);

  test("a backoff found by instance A is seen by instance B within 100 ms", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const first = (await codexTurn(a.url, w.key)).status;
      expect(first).toBe(200);
      const served = w.mock.requests({ path: "/backend-api/codex/responses" })[0]?.accountId ?? "";
      expect(served).toBeString();
      w.mock.exhaust(served, 3_600);
      const t0 = performance.now();
      expect((await codexTurn(a.url, w.key)).status).toBe(200); // A rotates away
      const rested = performance.now();
      const seen = async () => {
        while (performance.now() - rested < 2_000) {
          const row = b.proxy.state.pool.snapshot().profiles.find((p) => p.name === served);
          if (row?.backoff) return performance.now() - rested;
          await Bun.sleep(2);
        }
        return Number.POSITIVE_INFINITY;
      };
      expect(await seen()).toBeLessThan(100);
      const before = w.mock.requests({ accountId: served, path: "/backend-api/codex/responses" }).length;
      expect((await codexTurn(b.url, w.key)).status).toBe(200);
      // B never tried the exhausted account.
      expect(w.mock.requests({ accountId: served, path: "/backend-api/codex/responses" }).length).toBe(before);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await w.close();
    }
  }, 60_000);

  test("a conversation started on A and continued on B stays on its account", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const turn1 = await codexTurn(a.url, w.key);
      // Over HTTP Codex carries a conversation's turn state back (the websocket also uses previous_response_id).
      const turnState = turn1.headers.get("x-codex-turn-state");
      expect(turnState).toBeString();
      const owner = w.mock.requests({ path: "/backend-api/codex/responses" })[0]?.accountId ?? "";
      const other = owner === "acct-a" ? "acct-b" : "acct-a";
      // B serves new work from the other account; a continuation still goes to its owner.
      b.proxy.state.pool.select(other, "test: new work elsewhere");
      // The next turn comes a moment later, as an agent's does (the binding is shared within ~50 ms).
      await Bun.sleep(150);
      expect((await codexTurn(b.url, w.key)).status).toBe(200);
      const turn2 = await codexTurn(b.url, w.key, {}, { "x-codex-turn-state": turnState ?? "" });
      expect(turn2.status).toBe(200);
      const reqs = w.mock.requests({ path: "/backend-api/codex/responses" });
      expect(reqs.map((r) => r.accountId)).toEqual([owner, other, owner]);
    } finally {
      await w.close();
    }
  }, 60_000);

  test("eight requests on two instances with an expiring token make one token call", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }], { expiring: ["acct-a"] });
    try {
      const a = await w.start();
      const b = await w.start();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => codexTurn(i % 2 ? b.url : a.url, w.key)));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(w.mock.refreshCalls("acct-a")).toBe(1);
      expect(a.tokens.calls + b.tokens.calls).toBe(1);
    } finally {
      await w.close();
    }
  }, 60_000);
  test("a body sent a byte at a time gets a 408 at the instance's deadline, nothing upstream", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      const g = await w.start({}, { bodyReadMs: 1_000 });
      const { port } = new URL(g.url);
      const body = JSON.stringify({ model: "gpt-5", input: "x".repeat(100) });
      let reply = "";
      const answered = Promise.withResolvers<void>();
      const socket = await Bun.connect({
        hostname: "127.0.0.1",
        port: Number(port),
        socket: {
          data: (_s, chunk) => {
            reply += Buffer.from(chunk).toString();
            if (reply.includes("\r\n\r\n")) answered.resolve();
          },
          close: () => answered.resolve(),
          error: () => answered.resolve(),
        },
      });
      const t0 = performance.now();
      socket.write(
        `POST /backend-api/codex/responses HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${w.key}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      let i = 0;
      const timer = setInterval(() => i < body.length && socket.write(body[i++] as string), 300);
      await Promise.race([answered.promise, Bun.sleep(10_000)]);
      clearInterval(timer);
      socket.end();
      expect(reply).toStartWith("HTTP/1.1 408");
      expect(reply).toContain("request body not received within 1 s");
      expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
      expect(w.mock.requests({ path: "/backend-api/codex/responses" }).length).toBe(0);
    } finally {
      await w.close();
    }
  }, 30_000);
});

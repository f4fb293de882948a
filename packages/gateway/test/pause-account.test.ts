import { describe, expect, test } from "bun:test";
import { accountStatus } from "@prodex/core";
import type { ProfileView } from "@prodex/core/types";
import { parsePromText, promSum } from "@prodex/testkit/prom-text";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { createKey } from "../src/index.ts";
import { codexTurn, gatewayWorld, prodexCli, until } from "./gateway-world.ts";

// Pausing one account of the shared pool: two instances in this process, one real PostgreSQL, the mock upstream.
const cluster = usePgCluster();

describe("gateway: pausing an account", () => {
  test("paused on A: B honours it within 100 ms, its conversation goes on, new ones go elsewhere; audited", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const admin = await createKey(w.store, "ops", "admin");
      const viewer = await createKey(w.store, "watch", "viewer");
      const served = () => w.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.accountId);
      const turn = (key: string) => codexTurn(b.url, w.key, { prompt_cache_key: key }, { session_id: key });
      const control = (key: string, body: unknown) =>
        fetch(`${a.url}/gateway/v1/pool/control`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      // B's /metrics: the paused-accounts gauge, as `prodex serve` says it (the shared renderer).
      const pausedGauge = async () => {
        const res = await fetch(`${b.url}/metrics`, { headers: { authorization: `Bearer ${viewer.key}` } });
        return promSum(parsePromText(await res.text()), "prodex_accounts_paused");
      };
      expect(await pausedGauge()).toBe(0);

      expect((await turn("c1")).status).toBe(200);
      const owner = served()[0] ?? "";
      const other = owner === "acct-a" ? "acct-b" : "acct-a";

      expect((await control(viewer.key, { pause: owner })).status).toBe(403);
      const unknown = await control(admin.key, { pause: "acct-zz" });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('the gateway has no account named \\"acct-zz\\"');

      // Timed from the admin's request on A to B's proxy holding the pause.
      const t0 = performance.now();
      const pausing = control(admin.key, { pause: owner });
      const seen = await until(
        "B to see the pause",
        () => {
          const s = b.proxy.state.pool.availability(owner);
          return !s.ok && s.why === "paused";
        },
        1_000,
      );
      const took = performance.now() - t0;
      console.log(`pause seen on B ${took.toFixed(1)} ms after the request to A (${seen.toFixed(1)} ms of polling)`);
      expect(took).toBeLessThan(100);
      expect((await pausing).status).toBe(200);
      expect(b.proxy.state.pool.availability(owner)).toMatchObject({ why: "paused", by: "key ops" });

      // Its own conversation continues on it; new ones go to the other account, on B as on A.
      expect((await turn("c1")).status).toBe(200);
      expect((await turn("c2")).status).toBe(200);
      expect((await codexTurn(a.url, w.key, { prompt_cache_key: "c3" }, { session_id: "c3" })).status).toBe(200);
      expect(served()).toEqual([owner, owner, other, other]);

      // The team dashboard's snapshot says who paused it, and since when (the panel's words: core's account status).
      const pool = await fetch(`${b.url}/gateway/v1/pool`, { headers: { authorization: `Bearer ${viewer.key}` } });
      const snap = (await pool.json()) as { profiles: ProfileView[] };
      const view = snap.profiles.find((p) => p.name === owner);
      expect(view?.paused?.by).toBe("key ops");
      expect(view?.paused?.at).toBeNumber();
      if (!view) throw new Error("no view of the paused account");
      expect(accountStatus(view, (view.paused?.at ?? 0) + 125_000).note).toBe("paused 2m 5s ago by key ops");
      expect(await pausedGauge()).toBe(1);

      // Stored on the account's row, audited with who did it; an instance started now reads it.
      expect((await w.store.accounts.get(owner))?.pausedBy).toBe("key ops");
      const audits = await w.store.events.since(0, 500);
      expect(audits.map((e) => e.message)).toContain(`key ops: account.paused ${owner}`);
      const c = await w.start();
      expect(c.proxy.state.pool.availability(owner)).toMatchObject({ ok: false, why: "paused" });

      // Every account paused: a request gets the pool's answer naming the pause, at once.
      expect((await control(admin.key, { pause: other })).status).toBe(200);
      expect(
        await until("B to see the second pause", () => !b.proxy.state.pool.availability(other).ok, 1_000),
      ).toBeLessThan(100);
      expect(await pausedGauge()).toBe(2);
      const t1 = performance.now();
      const none = await codexTurn(b.url, w.key, { prompt_cache_key: "c4" }, { session_id: "c4" });
      expect(none.status).toBe(503);
      expect(none.text).toContain("pool_paused");
      expect(none.text).toContain("2 of 2 account(s) paused");
      expect(none.text).not.toContain(owner); // a user key never learns an account's name
      expect(performance.now() - t1).toBeLessThan(2_000);

      // The operator's command resumes on every instance.
      const env = { ...w.env, PRODEX_DATABASE_URL: w.url };
      const list = await prodexCli(env, ["gateway", "account", "list"]);
      expect(list.stdout).toMatch(new RegExp(`${owner}\\s.*paused by key ops`));
      const listed = JSON.parse((await prodexCli(env, ["gateway", "account", "list", "--json"])).stdout) as {
        accounts: { name: string; pausedBy: string | null; pausedAt: number | null }[];
      };
      expect(listed.accounts.find((x) => x.name === owner)).toMatchObject({ pausedBy: "key ops" });
      expect(listed.accounts.find((x) => x.name === owner)?.pausedAt).toBeNumber();
      const cli = await prodexCli(env, ["gateway", "account", "resume", owner]);
      expect(cli.stderr).toBe("");
      expect(cli.stdout.trim()).toBe(`resumed ${owner} on every instance`);
      expect(cli.code).toBe(0);
      await until("B to see the resume", () => b.proxy.state.pool.availability(owner).ok, 2_000);
      expect(await pausedGauge()).toBe(1);
      expect((await codexTurn(b.url, w.key, { prompt_cache_key: "c5" }, { session_id: "c5" })).status).toBe(200);
      expect(served().at(-1)).toBe(owner);

      const bad = await prodexCli(env, ["gateway", "account", "pause", "acct-zz"]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr.trim().split("\n")[0]).toContain('the gateway has no account named "acct-zz"');
    } finally {
      await w.close();
    }
  }, 90_000);
});

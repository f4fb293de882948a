import { describe, expect, test } from "bun:test";
import { type PoolEvent, instancesAnswerSchema, poolSnapshotSchema } from "@prodex/core";
import { connectFeed, connectTeamFeed } from "@prodex/proxy";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { createKey } from "../src/index.ts";
import { DbHealth } from "../src/serve/db-health.ts";
import { InstanceRegistry } from "../src/serve/instance-registry.ts";
import { codexTurn, gatewayWorld } from "./gateway-world.ts";

// The team dashboard's routes on two instances in this process, one real PostgreSQL, the mock upstream.
const cluster = usePgCluster();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** The pool feed the team dashboard reads from an instance, with `key`. */
function attach(url: string, key: string) {
  const keyed = ((input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth(key) } })) as typeof fetch;
  const api = `${url}/gateway/v1`;
  return connectFeed(
    { eventsUrl: `${api}/feed`, stateUrl: `${api}/pool`, controlUrl: `${api}/pool/control` },
    { fetch: keyed },
  );
}

async function until(what: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!what()) {
    if (performance.now() - t0 > ms) return Number.POSITIVE_INFINITY;
    await Bun.sleep(5);
  }
  return performance.now() - t0;
}

describe("gateway team routes", () => {
  test("roles: viewer reads the pool, instances and feed; only admin pins or pauses; user keys read none", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const viewer = await createKey(w.store, "watch", "viewer");
      const admin = await createKey(w.store, "ops", "admin");
      const get = (path: string, key: string) => fetch(`${a.url}/gateway/v1${path}`, { headers: auth(key) });
      const pool = await get("/pool", viewer.key);
      expect(pool.status).toBe(200);
      const snap = poolSnapshotSchema.parse(await pool.json());
      expect(snap.profiles.map((p) => p.name).sort()).toEqual(["acct-a", "acct-b"]);
      expect(snap.pinned).toBeNull();
      const inst = instancesAnswerSchema.parse(await (await get("/instances", viewer.key)).json());
      expect(inst.instances.map((i) => i.id)).toEqual([a.instance]);
      expect(inst.instances[0]?.notReady).toBeNull();
      expect(inst.at - (inst.instances[0]?.heartbeatAt ?? 0)).toBeLessThan(15_000);
      for (const path of ["/pool", "/feed", "/instances"]) {
        const refused = await get(path, w.key);
        expect(refused.status).toBe(403);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
          "needs an admin or viewer key",
        );
      }
      const control = (key: string, body: unknown) =>
        fetch(`${a.url}/gateway/v1/pool/control`, {
          method: "POST",
          headers: { ...auth(key), "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const denied = await control(viewer.key, { pin: "acct-a" });
      expect(denied.status).toBe(403);
      expect(await denied.text()).toContain("needs an admin key");
      const bad = await control(admin.key, { pin: 3 });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('expected {\\"pin\\": name|null}, {\\"autoRotate\\": boolean}');
      const unknown = await control(admin.key, { pin: "acct-zz" });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('no pool account named \\"acct-zz\\"');
      const pinned = await control(admin.key, { pin: "acct-b" });
      expect(pinned.status).toBe(200);
      expect(poolSnapshotSchema.parse(await pinned.json()).pinned).toBe("acct-b");
      expect(a.proxy.state.pool.pinned).toBe("acct-b");
      expect(await w.store.poolControl.get()).toMatchObject({
        pinned: "acct-b",
        autoRotate: true,
        updatedBy: "key ops",
      });
    } finally {
      await w.close();
    }
  }, 60_000);

  test("a pin and a pause made on A are stored, honoured by B's selection, and audited with who", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const admin = await createKey(w.store, "ops", "admin");
      const feed = await attach(a.url, admin.key);
      try {
        await feed.pin("acct-b");
        expect(feed.snapshot().pinned).toBe("acct-b");
        expect(await until(() => b.proxy.state.pool.pinned === "acct-b", 1_000)).toBeLessThan(1_000);
        for (let i = 0; i < 3; i++) expect((await codexTurn(b.url, w.key)).status).toBe(200);
        expect(w.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.accountId)).toEqual([
          "acct-b",
          "acct-b",
          "acct-b",
        ]);
        await feed.pin(null);
        await feed.setAutoRotate(false);
        expect(
          await until(() => !b.proxy.state.pool.autoRotate && b.proxy.state.pool.pinned === null, 1_000),
        ).toBeLessThan(1_000);
        // Paused, B stays on its current account even when it runs out (no rotation to the other).
        const current = b.proxy.state.pool.current ?? "";
        w.mock.exhaust(current, 3_600);
        const before = w.mock.requests({ path: "/backend-api/codex/responses" }).length;
        expect((await codexTurn(b.url, w.key)).status).not.toBe(200);
        const tried = w.mock
          .requests({ path: "/backend-api/codex/responses" })
          .slice(before)
          .map((r) => r.accountId);
        expect(new Set(tried)).toEqual(new Set([current]));
        // A third instance started now reads the stored switch.
        const c = await w.start();
        expect(c.proxy.state.pool.autoRotate).toBe(false);
        const audits = (await w.store.events.latest(50)).filter((e) => e.kind === "audit").map((e) => e.message);
        expect(audits).toEqual(
          expect.arrayContaining([
            "key ops: pool.pinned acct-b",
            "key ops: pool.unpinned pool",
            "key ops: pool.paused pool",
          ]),
        );
        // The dashboard attached to A heard the audit lines live.
        expect(
          await until(() => feed.recent().some((e) => e.message === "key ops: pool.paused pool"), 1_000),
        ).toBeLessThan(1_000);
      } finally {
        feed.close();
      }
    } finally {
      await w.close();
    }
  }, 60_000);

  test("the feed on A shows a rotation made by B within a second, by notification", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const viewer = await createKey(w.store, "watch", "viewer");
      const feed = await attach(a.url, viewer.key);
      try {
        const heard: PoolEvent[] = [];
        feed.subscribe((m) => {
          if (m.type === "event") heard.push(m.event);
        });
        expect((await codexTurn(b.url, w.key)).status).toBe(200);
        const served = w.mock.requests({ path: "/backend-api/codex/responses" })[0]?.accountId ?? "";
        w.mock.exhaust(served, 3_600);
        await Bun.sleep(300); // the feed is attached and idle
        const t0 = performance.now();
        expect((await codexTurn(b.url, w.key)).status).toBe(200); // B rotates away
        const rotated = () =>
          heard.some((e) => e.source === b.instance && e.kind === "profile.selected" && e.profile !== served);
        const took = await until(rotated, 1_000);
        expect(took).toBeLessThan(1_000);
        expect(heard.some((e) => e.source === b.instance && e.kind === "backoff" && e.profile === served)).toBe(true);
        // A's own pool view shows the rest B gave the account (shared backoff), in the snapshot the feed pushed.
        expect(
          await until(() => feed.snapshot().profiles.find((p) => p.name === served)?.backoff != null, 1_000),
        ).toBeLessThan(1_000);
        expect(performance.now() - t0).toBeLessThan(5_000);
        // A viewer's control is refused with the gateway's reason.
        await expect(feed.pin(served)).rejects.toThrow("needs an admin key");
      } finally {
        feed.close();
      }
    } finally {
      await w.close();
    }
  }, 60_000);

  test("connectTeamFeed: a user key is refused; instances, usage and windows of the whole pool; revoke", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const admin = await createKey(w.store, "ops", "admin");
      const dev2 = await createKey(w.store, "dev-2", "user");
      await expect(connectTeamFeed(a.url, w.key)).rejects.toThrow(
        'the key "dev" is a user key: the team dashboard needs an admin or viewer key',
      );
      await expect(connectTeamFeed(a.url, "pdxgw_nope")).rejects.toThrow("does not know this key");
      expect((await codexTurn(b.url, w.key)).status).toBe(200);
      expect((await codexTurn(b.url, dev2.key)).status).toBe(200);
      const served = w.mock.requests({ path: "/backend-api/codex/responses" })[0]?.accountId ?? "";
      const team = await connectTeamFeed(a.url, admin.key, { pollMs: 100 });
      try {
        expect(team.who).toEqual({ instance: a.instance, role: "admin", name: "ops" });
        // The usage per key comes over the feed, added up by the database: one request each, in every period.
        const hour = () => team.usage()?.periods.find((p) => p.period === "1h");
        expect(await until(() => (hour()?.by.key?.length ?? 0) === 2, 5_000)).toBeLessThan(5_000);
        expect(team.usage()?.periods.map((p) => p.period)).toEqual(["1h", "24h", "7d"]);
        expect(
          hour()
            ?.by.key?.map((k) => [k.group, k.requests, k.errors])
            .sort(),
        ).toEqual([
          ["dev", 1, 0],
          ["dev-2", 1, 0],
        ]);
        expect(hour()?.total.requests).toBe(2);
        expect(hour()?.total.totalTokens).toBe(
          (await w.store.ledger.since(0)).reduce((n, r) => n + r.inputTokens + r.outputTokens, 0),
        );
        expect(
          team
            .instances()
            ?.instances.map((i) => i.id)
            .sort(),
        ).toEqual([a.instance, b.instance].sort());
        // A served nothing, yet its accounts table counts what the whole pool served (the ledger, every instance's).
        const ledger = await w.store.ledger.since(0);
        const counted = () =>
          team.snapshot().profiles.every((p) => p.requests === ledger.filter((r) => r.profile === p.name).length);
        expect(await until(counted, 5_000)).toBeLessThan(5_000);
        expect(team.snapshot().profiles.find((p) => p.name === served)?.latencyMs).toBeNumber();
        // A served nothing, yet its pool view has the windows B read from the upstream's answer.
        expect(
          await until(() => (team.snapshot().profiles.find((p) => p.name === served)?.windows.length ?? 0) > 0, 3_000),
        ).toBeLessThan(3_000);
        await team.revoke("dev-2");
        // B forgets the key when the revocation's notification arrives (milliseconds), then refuses it.
        let status = 0;
        const t0 = performance.now();
        while ((status = (await codexTurn(b.url, dev2.key)).status) !== 401 && performance.now() - t0 < 1_000)
          await Bun.sleep(20);
        expect(status).toBe(401);
        await expect(team.revoke("dev-2")).rejects.toThrow('no live gateway key named "dev-2"');
      } finally {
        team.close();
      }
    } finally {
      await w.close();
    }
  }, 60_000);

  test("a key over its own limit on B is one warning on A's feed, however often it is refused", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      const viewer = await createKey(w.store, "watch", "viewer");
      // Created while both run: its limits reach them by notification.
      const ci = await createKey(w.store, "ci", "user", { rpm: 1 });
      await Bun.sleep(200);
      const feed = await attach(a.url, viewer.key);
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await codexTurn(b.url, ci.key)).status);
        expect(statuses).toEqual([200, 429, 429, 429]);
        const limited = () => feed.recent().filter((e) => e.kind === "key.limited");
        expect(await until(() => limited().length > 0, 1_000)).toBeLessThan(1_000);
        await Bun.sleep(300);
        expect(limited().map((e) => [e.source, e.level, e.message.replace(/until \S+$/, "until …")])).toEqual([
          [b.instance, "warn", "key ci reached its limit of 1 requests per minute; refused until …"],
        ]);
      } finally {
        feed.close();
      }
    } finally {
      await w.close();
    }
  }, 60_000);

  test("the registry: readiness as each heartbeat wrote it, the answering instance's as it is now", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      let why: string | null = null;
      const health = new DbHealth(w.store);
      const mine = new InstanceRegistry(w.store, health, "gw-mine", 15_000, () => why);
      const other = new InstanceRegistry(w.store, health, "gw-other", 900, () => "stopping");
      await mine.register("http://127.0.0.1:1", "test");
      await other.register("http://127.0.0.1:2", "test");
      try {
        const ready = async () => Object.fromEntries((await mine.live()).map((i) => [i.id, i.notReady]));
        expect(await ready()).toEqual({ "gw-mine": null, "gw-other": null });
        // gw-other's heartbeat (every 300 ms) writes why it is not ready; gw-mine's row stays younger than 900 ms.
        await Bun.sleep(400);
        why = "database unreachable since 10:00:00";
        expect(await ready()).toEqual({ "gw-mine": "database unreachable since 10:00:00", "gw-other": "stopping" });
      } finally {
        await other.stop();
        await mine.stop();
      }
    } finally {
      await w.close();
    }
  }, 60_000);
});

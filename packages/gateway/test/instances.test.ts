import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { pgBinDir } from "@prodex/testkit/pg-cluster";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { serveGateway } from "@prodex/testkit/gateway-serve";
import { createKey, revokeKey } from "../src/index.ts";
import { codexTurn, gatewayWorld, pgDataDump, type GatewayWorld } from "./gateway-world.ts";

// `prodex gateway serve` as real processes: refusing a schema that is behind or a wrong key, an instance
// SIGKILLed while it holds an account's refresh lock, a key revoked mid-session.
const CLI = resolve(import.meta.dir, "../../../apps/cli/src/main.ts");
const cluster = usePgCluster();

function serveEnv(w: GatewayWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...w.env,
    PRODEX_DATABASE_URL: w.url,
    CODEX_CHATGPT_BASE_URL: w.mock.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: w.mock.refreshUrl,
    ...extra,
  };
}

const serve = serveGateway;

async function refused(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn(["bun", CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json"], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  clearTimeout(timer);
  return { code, stderr };
}

describe("gateway instances", () => {
  test("serve refuses a schema that is behind, and a wrong secret key, in one line each and changes nothing", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      const wrong = await refused(serveEnv(w, { PRODEX_GATEWAY_SECRET_KEY: Buffer.alloc(32, 9).toString("base64") }));
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toContain("is not the one the database's tokens are sealed with");
      expect(wrong.stderr).not.toContain("    at ");
      const before = pgDataDump(w.url);
      const last = (await w.store.instances.live(60_000)).length;
      expect(last).toBe(0);
      // Migrated by a newer prodex (a migration this build does not know): refused, nothing changed.
      const psql = (q: string) =>
        Bun.spawnSync([`${pgBinDir()}/psql`, w.url, "-Atc", q], { stdout: "pipe" })
          .stdout.toString()
          .trim();
      psql("INSERT INTO gw_migrations (tag, applied_at) VALUES ('9999_from_the_future', 0)");
      const ahead = await refused(serveEnv(w));
      expect(ahead.code).toBe(4);
      expect(ahead.stderr).toContain("was migrated by a newer prodex");
      // Every migration "missing": the database is behind this build.
      expect(psql("DELETE FROM gw_migrations RETURNING tag")).not.toBe("");
      const behind = await refused(serveEnv(w));
      expect(behind.code).toBe(4);
      expect(behind.stderr).toContain("has no gateway schema yet");
      expect(behind.stderr).toContain("prodex gateway migrate");
      const strip = (d: string) => d.replace(/COPY public\.gw_migrations[\s\S]*?\\\.\n/, "");
      expect(strip(pgDataDump(w.url))).toBe(strip(before));
    } finally {
      await w.close();
    }
  }, 60_000);

  test("an instance SIGKILLed holding the refresh lock: the other refreshes and serves, the dead one's registration expires", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }], { expiring: ["acct-a"] });
    // A's token endpoint never answers: A holds acct-a's row lock while it waits.
    const hang = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) });
    const admin = await createKey(w.store, "ops", "admin");
    const lease = { PRODEX_GATEWAY_INSTANCE_LEASE_MS: "900" };
    const a = await serve(
      serveEnv(w, { ...lease, CODEX_REFRESH_TOKEN_URL_OVERRIDE: `http://127.0.0.1:${hang.port}/oauth/token` }),
    );
    const b = await serve(serveEnv(w, lease));
    try {
      const instances = async () =>
        (
          (await (
            await fetch(`${b.url}/gateway/v1/instances`, { headers: { authorization: `Bearer ${admin.key}` } })
          ).json()) as { instances: { id: string }[] }
        ).instances
          .map((i) => i.id)
          .sort();
      expect(await instances()).toEqual([a.instance, b.instance].sort());
      const stuck = codexTurn(a.url, w.key).catch(() => null);
      await Bun.sleep(500); // A is inside the lock, waiting on its token endpoint
      a.proc.kill("SIGKILL");
      await a.proc.exited;
      await stuck;
      const t0 = performance.now();
      const r = await codexTurn(b.url, w.key);
      expect(r.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(w.mock.refreshCalls("acct-a")).toBe(1);
      const deadline = performance.now() + 5_000;
      while ((await instances()).length > 1 && performance.now() < deadline) await Bun.sleep(100);
      expect(await instances()).toEqual([b.instance]);
    } finally {
      a.proc.kill("SIGKILL");
      b.proc.kill("SIGTERM");
      await b.proc.exited;
      hang.stop(true);
      await w.close();
    }
  }, 60_000);

  test("a key revoked through one instance is refused by the other on its next request", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      expect((await codexTurn(a.url, w.key)).status).toBe(200);
      expect((await codexTurn(b.url, w.key)).status).toBe(200);
      const admin = await createKey(w.store, "ops", "admin");
      const viewer = await createKey(w.store, "watcher", "viewer");
      expect(
        (
          await fetch(`${a.url}/gateway/v1/keys/dev`, {
            method: "DELETE",
            headers: { authorization: `Bearer ${viewer.key}` },
          })
        ).status,
      ).toBe(403);
      expect((await fetch(`${a.url}/gateway/v1/keys`, { headers: { "x-api-key": viewer.key } })).status).toBe(200);
      expect((await codexTurn(a.url, viewer.key)).status).toBe(403);
      const revoked = await fetch(`${a.url}/gateway/v1/keys/dev`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${admin.key}` },
      });
      expect(revoked.status).toBe(200);
      await Bun.sleep(100);
      const r = await codexTurn(b.url, w.key);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text).error.message).toBe("prodex gateway: unknown or revoked gateway key");
      expect(w.mock.requests({ path: "/backend-api/codex/responses" }).length).toBe(2);
      await expect(revokeKey(w.store, "dev")).rejects.toThrow('no live gateway key named "dev"');
    } finally {
      await w.close();
    }
  }, 60_000);
});

import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parsePromText } from "@prodex/testkit/prom-text";
import { readAdminSecret } from "../../src/broker/broker-paths.ts";
import { type BrokerWorld, brokerWorld, responsesRequest } from "../helpers/broker-world.ts";

// A broker's `/__admin/<secret>` endpoints: health, Prometheus metrics, the event feed; the admin
// secret lives only in a 0600 file (never the database, never a log).

let w: BrokerWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe("admin endpoints", () => {
  test("health, metrics and events answer the admin secret; anything else is a 401", async () => {
    w = await brokerWorld([{ id: "acct-a" }, { id: "acct-b" }]);
    const lease = await w.attach({ profile: "p2" });
    const secret = readAdminSecret(w.paths);
    if (!secret) throw new Error("no admin secret file");
    const admin = `${lease.url}/__admin/${secret}`;

    const res = await responsesRequest(lease, "count me");
    expect(res.status).toBe(200);
    await res.text();

    const health = (await (await fetch(`${admin}/health`)).json()) as {
      ok: boolean;
      pid: number;
      leases: { id: string; profile: string | null }[];
      profiles: { name: string }[];
    };
    expect(health.ok).toBe(true);
    expect(health.pid).toBe(lease.broker.pid);
    expect(health.leases.map((l) => [l.id, l.profile])).toEqual([[lease.leaseId, "p2"]]);
    expect(health.profiles.map((p) => p.name).sort()).toEqual(["p1", "p2"]);

    const metrics = await fetch(`${admin}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await metrics.text();
    parsePromText(text);
    expect(text).toContain('prodex_http_requests_total{route="/backend-api/codex/responses",status="200"} 1');
    expect(text).toContain('prodex_requests_total{client="codex",model="gpt-5",outcome="completed"} 1');
    expect(text).toContain("prodex_leases 1");
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).not.toContain(lease.secret);

    const events = await fetch(`${admin}/events`, { signal: AbortSignal.timeout(5_000) });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const reader = events.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("event: snapshot");
    await reader?.cancel();

    const wrong = `${lease.url}/__admin/${"x".repeat(secret.length)}`;
    for (const path of ["/health", "/metrics", "/events", "/leases"])
      expect((await fetch(`${wrong}${path}`)).status).toBe(401);
    // A launch's secret is not an admin secret.
    expect((await fetch(`${lease.url}/__admin/${lease.secret}/health`)).status).toBe(401);
    // `GET /metrics` at the root takes the admin secret as a bearer token (what a scrape config sends), nothing else.
    const scrape = (key?: string) =>
      fetch(`${lease.url}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    for (const key of [undefined, lease.secret, "x".repeat(secret.length)])
      expect((await scrape(key)).status).toBe(401);
    const root = await scrape(secret);
    expect(root.status).toBe(200);
    expect(parsePromText(await root.text()).find((f) => f.name === "prodex_leases")?.samples[0]?.value).toBe(1);
    expect(
      (
        await fetch(`${wrong}/leases`, {
          method: "POST",
          body: JSON.stringify({ pid: process.pid, profile: null, autoRotate: true }),
        })
      ).status,
    ).toBe(401);
    expect((await fetch(`${admin}/leases`, { method: "POST", body: "{" })).status).toBe(400);
    await lease.release();
  }, 30_000);

  test("the admin secret is a 0600 file in a 0700 dir, and no secret reaches the database or a log", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    const lease = await w.attach({ profile: "p1" });
    const res = await responsesRequest(lease, "hello");
    await res.text();
    // An unknown route and a wrong secret leave log lines behind too.
    await (
      await fetch(`${lease.codexBaseUrl}/nope`, { method: "POST", headers: lease.codexHeaders, body: "{" })
    ).text();
    const secret = readAdminSecret(w.paths);
    if (!secret) throw new Error("no admin secret file");
    expect(statSync(w.paths.secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(w.paths.dir).mode & 0o777).toBe(0o700);
    const row = w.ctx.store.runtimes.list().find((r) => r.kind === "broker");
    expect(row?.secretPath).toBe(w.paths.secretFile);
    await lease.release();
    // Stop the broker so its buffered logs and the database are on disk, then read everything it wrote.
    await w.stopBrokers();
    const home = w.env.PRODEX_HOME as string;
    const written = [
      ...filesUnder(home).filter((f) => /prodex\.db/.test(f) || f.endsWith(".log")),
      ...filesUnder(w.env.PRODEX_RUNTIME_LOG_DIR as string),
    ];
    expect(written.some((f) => f.endsWith(".log"))).toBe(true);
    for (const file of written) {
      const bytes = readFileSync(file).toString("latin1");
      expect(bytes.includes(secret), file).toBe(false);
      expect(bytes.includes(lease.secret), file).toBe(false);
    }
  }, 30_000);
});

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { brokerPaths } from "@prodex/proxy";
import { gone, registeredBrokers } from "@prodex/testkit/brokers";
import { type InfoJson, infoSchema } from "../../apps/cli/src/output/schemas/info.ts";
import { type CliEnv, cliEnv, failure } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// The shared broker with the real Codex CLI: two `prodex exec` at once on one PRODEX_HOME are
// served by one broker process, with one pool state — what one launch learns (an exhausted
// account) the other never has to find out again.

let world: CliEnv | null = null;
afterEach(async () => {
  const home = world?.env.PRODEX_HOME;
  const pids = home ? registeredBrokers(home) : [];
  await world?.close();
  world = null;
  // Leak check: close() ended every broker the test started.
  for (const pid of pids) expect(await gone(pid, 1_000)).toBe(true);
});

async function until<T>(what: string, ms: number, probe: () => T | null | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

type Seen = { brokers: Set<number>; leasePids: Set<number>; maxLeases: number };

/** Watches the registered broker's admin health (as an operator would) until stopped. */
function watchBroker(w: CliEnv): { seen: Seen; stop: () => Promise<void> } {
  const seen: Seen = { brokers: new Set(), leasePids: new Set(), maxLeases: 0 };
  const home = w.env.PRODEX_HOME as string;
  const paths = brokerPaths({ prodexHome: home, locksDir: join(home, "locks") }, w.mock.baseUrl);
  let running = true;
  const loop = (async () => {
    while (running) {
      await Bun.sleep(100);
      if (!existsSync(join(home, "prodex.db"))) continue;
      const ctx = new Context({ env: w.env, source: "test-watch" });
      const rows = ctx.store.runtimes.list().filter((r) => r.kind === "broker");
      ctx.close();
      for (const r of rows) seen.brokers.add(r.pid);
      const row = rows[0];
      if (!row || !existsSync(paths.secretFile)) continue;
      try {
        const res = await fetch(`${row.url}/__admin/${readFileSync(paths.secretFile, "utf8").trim()}/health`);
        if (!res.ok) continue;
        const h = (await res.json()) as { leases: { pid: number }[] };
        seen.maxLeases = Math.max(seen.maxLeases, h.leases.length);
        for (const l of h.leases) seen.leasePids.add(l.pid);
      } catch {
        // the broker is starting or leaving
      }
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe("two concurrent prodex exec on one broker", () => {
  test("one broker serves both; the account the first found exhausted is never tried by the second", async () => {
    world = await cliEnv([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 30 } },
    ]);
    const w = world;
    // acct-a refuses the first request that reaches it; the answer the first launch rotates to is
    // slow, so the second launch attaches while the first still holds its lease.
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    w.mock.fault("acct-b", { kind: "slow_first_byte", delayMs: 9_000 });
    const env = { PRODEX_BROKER_GRACE_MS: "300" };
    const watch = watchBroker(w);

    const first = w.prodex(["exec", "--skip-git-repo-check", "say hi from launch A"], { env, timeoutMs: 50_000 });
    const limited = await until("acct-a's 429", 30_000, () =>
      w.mock.requests({ path: "/backend-api/codex/responses", accountId: "acct-a" }).find((q) => q.status === 429),
    );
    // No preflight for B: what keeps it off acct-a is the broker's pool state, not a quota check.
    const second = w.prodex(["exec", "--skip-quota-check", "--skip-git-repo-check", "say hi from launch B"], {
      env,
      timeoutMs: 50_000,
    });
    const [a, b] = await Promise.all([first, second]);
    await watch.stop();

    expect(a.code, failure(a)).toBe(0);
    expect(b.code, failure(b)).toBe(0);
    expect(a.stdout).toContain("hi from mock");
    expect(b.stdout).toContain("hi from mock");

    // One broker, both launches leased on it at the same time.
    expect(watch.seen.brokers.size).toBe(1);
    expect(watch.seen.maxLeases).toBe(2);
    expect(watch.seen.leasePids.size).toBe(2);

    // Exactly one 429 on acct-a across both runs, nothing on acct-a after it, and launch B never on acct-a.
    const inference = w.mock.requests({ path: "/backend-api/codex/responses" });
    const onA = inference.filter((q) => q.accountId === "acct-a");
    expect(onA.filter((q) => q.status === 429)).toHaveLength(1);
    expect(onA.filter((q) => q.seq > limited.seq)).toEqual([]);
    const fromB = inference.filter((q) => JSON.stringify(q.body).includes("from launch B"));
    expect(fromB.length).toBeGreaterThan(0);
    expect(fromB.every((q) => q.accountId === "acct-b" && q.status === 200)).toBe(true);
    expect(
      inference.some(
        (q) => JSON.stringify(q.body).includes("from launch A") && q.accountId === "acct-b" && q.status === 200,
      ),
    ).toBe(true);

    // Both done: the broker leaves after its grace, deregistered, its secret file gone.
    const [pid] = [...watch.seen.brokers];
    expect(await gone(pid as number, 10_000)).toBe(true);
    expect(registeredBrokers(w.env.PRODEX_HOME as string)).toEqual([]);
    const home = w.env.PRODEX_HOME as string;
    expect(
      existsSync(brokerPaths({ prodexHome: home, locksDir: join(home, "locks") }, w.mock.baseUrl).secretFile),
    ).toBe(false);
  }, 60_000);
});

describe("operators see the broker", () => {
  test("prodex info lists the broker and the launch it serves; after a crash, prodex cleanup removes what it left", async () => {
    world = await cliEnv([{ id: "acct-a" }]);
    const w = world;
    // A stand-in Codex that runs until told to stop: the launch holds its lease meanwhile.
    const stop = join(w.dir, "stop");
    const fake = join(w.dir, "fake-codex");
    writeFileSync(
      fake,
      `#!/bin/sh\n[ "$1" = --version ] && { echo codex-cli 0.169.0; exit 0; }\nwhile [ ! -e "${stop}" ]; do sleep 0.05; done\n`,
      { mode: 0o755 },
    );
    // No revival: this test wants the crash's leftovers, not a new broker on the dead one's port.
    const launch = startProdex(["exec", "--quiet", "say hi"], {
      ...w.env,
      PRODEX_CODEX_BIN: fake,
      PRODEX_BROKER_REVIVE: "0",
    });
    try {
      await infoAndCleanup(w, launch, stop);
    } finally {
      writeFileSync(stop, "");
      await launch.exit(10_000);
    }
  }, 60_000);
});

/** `prodex info` while a launch holds its lease; then the broker crashes and `prodex cleanup` tidies. */
async function infoAndCleanup(w: CliEnv, launch: ReturnType<typeof startProdex>, stop: string): Promise<void> {
  const home = w.env.PRODEX_HOME as string;
  let listed: InfoJson | null = null;
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const r = await w.prodex(["info", "--json"]);
    listed = infoSchema.parse(JSON.parse(r.stdout));
    if (listed.runtimes.length === 2) break;
    await Bun.sleep(100);
  }
  const broker = listed?.runtimes.find((r) => r.kind === "broker");
  const lease = listed?.runtimes.find((r) => r.kind === "proxy");
  expect(broker?.alive).toBe(true);
  expect(lease).toMatchObject({ alive: true, pid: launch.proc.pid, url: broker?.url });
  const text = await w.prodex(["info"]);
  expect(text.stdout).toMatch(/broker\s+pid \d+\s+running/);
  expect(text.stdout).toMatch(/└ launch pid \d+\s+running/);

  // The broker crashes; the launch ends. Registrations and files stay behind until cleanup.
  process.kill(broker?.pid as number, "SIGKILL");
  expect(await gone(broker?.pid as number, 5_000)).toBe(true);
  writeFileSync(stop, "");
  expect(await launch.exit()).toBe(0);
  const paths = brokerPaths({ prodexHome: home, locksDir: join(home, "locks") }, w.mock.baseUrl);
  expect(existsSync(paths.secretFile)).toBe(true);
  const old = new Date(Date.now() - 3_600_000);
  for (const f of [paths.secretFile, paths.logFile]) utimesSync(f, old, old);
  const cleaned = await w.prodex(["cleanup"]);
  expect(cleaned.code, failure(cleaned)).toBe(0);
  expect(cleaned.stdout).toContain(`removed registration ${broker?.id}`);
  expect(cleaned.stdout).toContain(`removed registration ${lease?.id}`);
  expect(cleaned.stdout).toContain(`removed shared proxy file ${paths.secretFile}`);
  expect(existsSync(paths.secretFile) || existsSync(paths.logFile)).toBe(false);
}

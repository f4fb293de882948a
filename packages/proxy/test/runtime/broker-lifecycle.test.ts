import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BrokerError } from "../../src/broker/broker-error.ts";
import { readAdminSecret } from "../../src/broker/broker-paths.ts";
import { gone } from "@prodex/testkit/brokers";
import {
  ATTACH_MAIN,
  BROKER_MAIN,
  type BrokerWorld,
  brokerWorld,
  fakeLaunch,
  responsesRequest,
} from "../helpers/broker-world.ts";

// How a broker ends: after the grace that follows its last lease (leases of crashed launches
// expire by pid), or on SIGTERM after draining; and how it starts: once, however many launches race.

let w: BrokerWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

async function health(world: BrokerWorld, url: string): Promise<{ leases: { pid: number }[] }> {
  const res = await fetch(`${url}/__admin/${readAdminSecret(world.paths)}/health`);
  return (await res.json()) as { leases: { pid: number }[] };
}

describe("broker lifecycle", () => {
  test("the lease of a launch that was killed expires; the broker leaves after its grace", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    const launch = fakeLaunch();
    const lease = await w.attach({ pid: launch.pid });
    expect((await health(w, lease.url)).leases.map((l) => l.pid)).toEqual([launch.pid]);
    expect(w.ctx.store.runtimes.list().map((r) => [r.kind, r.pid])).toEqual([
      ["broker", lease.broker.pid],
      ["proxy", launch.pid],
    ]);
    await launch.kill();
    expect(await gone(lease.broker.pid, 10_000)).toBe(true);
    expect(w.ctx.store.runtimes.list()).toEqual([]);
    expect(existsSync(w.paths.secretFile)).toBe(false);
    await lease.release();
  }, 30_000);

  test("a lease for a process that is not running is refused", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    const lease = await w.attach();
    const launch = fakeLaunch();
    await launch.kill();
    const res = await fetch(`${lease.url}/__admin/${readAdminSecret(w.paths)}/leases`, {
      method: "POST",
      body: JSON.stringify({ pid: launch.pid, profile: null, autoRotate: true }),
    });
    expect(res.status).toBe(409);
    await lease.release();
  }, 30_000);

  test("SIGTERM: the stream in flight finishes, then the broker deregisters and exits", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    w.mock.setOptions({ stream: { chunks: 12, chunkDelayMs: 100 } });
    const lease = await w.attach();
    const res = await responsesRequest(lease, "a long answer");
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    let text = new TextDecoder().decode((await reader.read()).value);
    process.kill(lease.broker.pid, "SIGTERM");
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      text += new TextDecoder().decode(r.value);
    }
    expect(text).toContain("response.completed");
    expect(await gone(lease.broker.pid, 10_000)).toBe(true);
    expect(w.ctx.store.runtimes.list()).toEqual([]);
    await lease.release();
  }, 30_000);

  test("a broker that dies as it starts, or never registers: one clear error naming its log", async () => {
    w = await brokerWorld([{ id: "acct-a" }], { PRODEX_BROKER_START_TIMEOUT_MS: "700" });
    const dies = await w
      .attach({}, { command: ["sh", "-c", "echo 'cannot listen: no ports left' >&2; exit 3"] })
      .catch((e: unknown) => e);
    expect(dies).toBeInstanceOf(BrokerError);
    expect((dies as BrokerError).message).toBe("the shared proxy exited as it started (exit 3)");
    expect((dies as BrokerError).hint).toContain(w.paths.logFile);

    const pidFile = `${w.dir}/silent.pid`;
    const silent = await w
      .attach({}, { command: ["sh", "-c", `echo $$ > ${pidFile}; echo 'still thinking'; exec sleep 30`] })
      .catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(BrokerError);
    expect((silent as BrokerError).message).toBe("the shared proxy did not start within 1s");
    expect((silent as BrokerError).hint).toContain("last line: still thinking");
    // The launch does not leave the process it started behind.
    expect(await gone(Number(await Bun.file(pidFile).text()), 5_000)).toBe(true);
  }, 30_000);

  test("two launches attaching at the same instant from two processes end up on one broker", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    const at = Date.now() + 1_500;
    const args = ["--upstream", w.mock.baseUrl, "--broker-main", BROKER_MAIN, "--at", String(at)];
    const procs = [0, 1].map(() =>
      Bun.spawn([process.execPath, ATTACH_MAIN, ...args], {
        env: w?.env,
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    try {
      const lines = await Promise.all(
        procs.map(async (p) => {
          const reader = p.stdout.getReader();
          const { value } = await reader.read();
          reader.releaseLock();
          const line = new TextDecoder().decode(value).trim();
          if (!line) throw new Error(`attach failed: ${await new Response(p.stderr).text()}`);
          return JSON.parse(line) as { brokerPid: number; started: boolean; lease: string };
        }),
      );
      const [a, b] = lines;
      expect(a?.brokerPid).toBe(b?.brokerPid as number);
      expect(lines.filter((l) => l.started)).toHaveLength(1);
      expect(w.brokers().map((r) => r.pid)).toEqual([a?.brokerPid as number]);
      expect((await health(w, w.brokers()[0]?.url ?? "")).leases).toHaveLength(2);
    } finally {
      for (const p of procs) {
        p.stdin.end();
        await p.exited;
      }
    }
  }, 30_000);

  test("a launch attaching while the last one exits (around the broker's idle decision) always reaches a live broker that serves", async () => {
    w = await brokerWorld([{ id: "acct-a" }]);
    // The broker leaves 300 ms after its last lease (PRODEX_BROKER_GRACE_MS), deciding on a 150 ms
    // sweep: attaching at these delays after the release lands before, on and after that decision.
    for (const delay of [150, 300, 400, 500]) {
      const first = await w.attach();
      await first.release();
      await Bun.sleep(delay);
      const next = await w.attach();
      const res = await responsesRequest(next, `after ${delay} ms`);
      expect(res.status, `attached ${delay} ms after the release`).toBe(200);
      expect(await res.text()).toContain("response.completed");
      // Never two brokers for one upstream, and the one registered is the one serving.
      expect(w.brokers().map((b) => b.pid)).toEqual([next.broker.pid]);
      await next.release();
      expect(await gone(next.broker.pid, 10_000)).toBe(true);
    }
  }, 60_000);
});

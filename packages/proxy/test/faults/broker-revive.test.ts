import { afterEach, describe, expect, test } from "bun:test";
import { pidAlive } from "../../src/broker/registration.ts";
import { gone } from "@prodex/testkit/brokers";
import { type BrokerWorld, brokerWorld, responsesRequest } from "../helpers/broker-world.ts";
import { readAll, types } from "../helpers/fault-world.ts";
import { authSnapshot, integrityProblems } from "@prodex/testkit/integrity";

// The shared broker killed with SIGKILL mid-stream, as a launch sees it (no agent): the stream
// breaks at once; within a heartbeat the launch starts a new broker on the same port that takes
// its lease back (same secret, same path id), so the URLs its agent holds serve again. A broker
// stopped on purpose stays stopped.

let world: BrokerWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe("a launch whose broker dies", () => {
  test("the client's stream breaks; the launch revives the broker on its port; the same URLs answer", async () => {
    world = await brokerWorld([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    const w = world;
    const home = w.env.PRODEX_HOME as string;
    const good = authSnapshot(home);
    const revivals: number[] = [];
    const lease = await w.attach({}, { onRevived: (pid) => revivals.push(pid) });
    const killed = lease.broker.pid;
    w.mock.setOptions({ stream: { chunks: 40, chunkDelayMs: 100 } });

    const res = await responsesRequest(lease, "a long answer");
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("response.");
    process.kill(killed, "SIGKILL");
    expect(await gone(killed, 5_000)).toBe(true);
    // The break reaches the client as an error, not a hang.
    let broke = false;
    try {
      for (;;) if ((await (reader as ReadableStreamDefaultReader<Uint8Array>).read()).done) break;
    } catch {
      broke = true;
    }
    expect(broke).toBe(true);

    // Within a heartbeat (5 s): a new broker on the same port holds the same lease.
    const until = Date.now() + 15_000;
    while (revivals.length === 0 && Date.now() < until) await Bun.sleep(100);
    expect(revivals).toHaveLength(1);
    expect(lease.broker.pid).toBe(revivals[0] as number);
    expect(pidAlive(lease.broker.pid)).toBe(true);
    expect(w.brokers().map((b) => b.url)).toEqual([lease.url]);

    w.mock.setOptions({ stream: {} });
    const again = await readAll(await responsesRequest(lease, "after the crash"));
    expect(again.error).toBeNull();
    expect(types(again.text)).toContain("response.completed");
    expect(integrityProblems(home, good)).toEqual([]);
    await lease.release();
  }, 40_000);

  test("a broker stopped on purpose (SIGTERM) is not brought back: the launch reports it lost", async () => {
    world = await brokerWorld([{ id: "acct-a" }]);
    const w = world;
    const seen: string[] = [];
    const lease = await w.attach({}, { onRevived: () => seen.push("revived"), onLost: () => seen.push("lost") });
    process.kill(lease.broker.pid, "SIGTERM");
    expect(await gone(lease.broker.pid, 10_000)).toBe(true);
    const until = Date.now() + 15_000;
    while (seen.length === 0 && Date.now() < until) await Bun.sleep(100);
    expect(seen).toEqual(["lost"]);
    expect(w.brokers()).toEqual([]);
    await lease.release();
  }, 30_000);
});

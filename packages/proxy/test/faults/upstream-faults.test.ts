import { describe, expect, test } from "bun:test";
import type { FaultName } from "@prodex/core";
import {
  type FaultWorld,
  TWO_ACCOUNTS,
  ask,
  askRaw,
  inference,
  readAll,
  servesCleanly,
  types,
  useFaultWorlds,
} from "../helpers/fault-world.ts";

// PRODEX_FAULTS on the proxy's upstream HTTP seam (docs/faults.md): before the commit point a
// failure moves the request to a ready account and the client never knows; after it the
// client's stream ends with an error, promptly, never a hang. After each fault: the store and
// every auth.json are intact, and a fresh launch on the same PRODEX_HOME serves.

const openWorld = useFaultWorlds();

/** The mock's answer is about 2.4 kB; its first output_text.delta starts near byte 940. */
const IN_RESPONSE_CREATED = 100;
const AFTER_FIRST_DELTAS = 1_300;

/** The mock's open answer streams, once the proxy had a moment to let go of any it abandoned. */
async function activeStreams(w: FaultWorld): Promise<number> {
  let open = -1;
  for (let i = 0; i < 50 && open !== 0; i++) {
    open = ((await (await fetch(`${w.mock.url}/__mock/state`)).json()) as { activeStreams: number }).activeStreams;
    if (open !== 0) await Bun.sleep(40);
  }
  return open;
}

async function recovered(w: FaultWorld): Promise<void> {
  expect(w.integrity()).toEqual([]);
  const next = await servesCleanly(w);
  expect(next.ok, next.detail).toBe(true);
}

describe("before the commit point: rotated while another account is ready", () => {
  const cases: { kind: FaultName; fault: string; name: string; reachedA: boolean; stallMs?: number }[] = [
    {
      kind: "upstream.connect_refused",
      fault: "upstream.connect_refused@p1",
      name: "connection refused",
      reachedA: false,
    },
    {
      kind: "upstream.reset_before_first_byte",
      fault: "upstream.reset_before_first_byte@p1",
      name: "reset before the first byte",
      reachedA: true,
    },
    {
      kind: "upstream.reset_after",
      fault: `upstream.reset_after=${IN_RESPONSE_CREATED}@p1`,
      name: "reset inside response.created",
      reachedA: true,
    },
    {
      kind: "upstream.stall_after",
      fault: "upstream.stall_after=0@p1",
      name: "stalled before any byte",
      reachedA: true,
      stallMs: 400,
    },
    {
      kind: "upstream.stall_after",
      fault: `upstream.stall_after=${IN_RESPONSE_CREATED}@p1`,
      name: "stalled inside response.created",
      reachedA: true,
      stallMs: 400,
    },
  ];
  for (const c of cases) {
    test(`${c.name} (${c.fault}): the client gets p2's whole answer`, async () => {
      const w = await openWorld(TWO_ACCOUNTS);
      const { proxy, ctx } = await w.start(c.fault, c.stallMs ? { stallMs: c.stallMs } : {});
      const res = await ask(proxy);
      expect(res.status).toBe(200);
      const body = await readAll(res);
      expect(body.error).toBeNull();
      expect(types(body.text)).toContain("response.completed");
      expect(body.text).toContain("hi from mock");
      // One answer, no duplicate events from the broken attempt.
      expect(types(body.text).filter((t) => t === "response.created")).toHaveLength(1);

      const seen = inference(w).map((q) => q.accountId);
      expect(seen.at(-1)).toBe("acct-b");
      expect(seen.includes("acct-a")).toBe(c.reachedA);
      expect(ctx.faults?.count(c.kind)).toBe(1);
      const p1 = proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1");
      expect(p1?.backoff?.reason).toBe("transient");
      expect(proxy.state.pool.snapshot().current).toBe("p2");
      await recovered(w);
    }, 20_000);
  }

  test("an upstream that never sends its headers (the mock's slow first byte) counts as stalled too", async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    w.mock.fault("acct-a", { kind: "slow_first_byte", delayMs: 30_000 });
    const { proxy } = await w.start(undefined, { stallMs: 400 });
    const body = await readAll(await ask(proxy));
    expect(types(body.text)).toContain("response.completed");
    expect(
      inference(w)
        .filter((q) => q.status === 200)
        .map((q) => q.accountId),
    ).toEqual(["acct-b"]);
    expect(proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.backoff?.message).toContain(
      "upstream stalled",
    );
    await recovered(w);
  }, 20_000);

  test("every account refusing: the client gets one clear 503 from the proxy, not a hang", async () => {
    const world = await openWorld(TWO_ACCOUNTS);
    const { proxy } = await world.start("upstream.connect_refused");
    const res = await ask(proxy);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("prodex");
    expect(inference(world)).toEqual([]);
    await recovered(world);
  }, 30_000);
});

describe("after the commit point: the stream ends with an error, promptly", () => {
  test(`reset after the first deltas (upstream.reset_after=${AFTER_FIRST_DELTAS}): what arrived is kept, the stream breaks, nothing is replayed elsewhere`, async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    const { proxy } = await w.start(`upstream.reset_after=${AFTER_FIRST_DELTAS}@p1`);
    const res = await askRaw(proxy);
    expect(res.status).toBe(200);
    expect(res.terminated).toBe(false);
    expect(types(res.body)).toContain("response.output_text.delta");
    expect(types(res.body)).not.toContain("response.completed");
    expect(inference(w).map((q) => q.accountId)).toEqual(["acct-a"]);
    await recovered(w);
  }, 20_000);

  test(`stalled after the first deltas (upstream.stall_after=${AFTER_FIRST_DELTAS}, stall limit 500 ms): the client's stream ends with an error, the upstream is let go`, async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    const { proxy } = await w.start(`upstream.stall_after=${AFTER_FIRST_DELTAS}@p1`, { stallMs: 500 });
    // Bounded by the test's own timeout: without the stall limit the proxy never closes this socket.
    const res = await askRaw(proxy);
    expect(res.status).toBe(200);
    expect(res.terminated).toBe(false);
    expect(types(res.body)).toContain("response.output_text.delta");
    expect(types(res.body)).not.toContain("response.completed");
    expect(inference(w).map((q) => q.accountId)).toEqual(["acct-a"]);
    proxy.state.log.flush();
    expect(await Bun.file(proxy.runtimeLogPath).text()).toContain("upstream stalled: no data for 500ms");
    expect(await activeStreams(w)).toBe(0);
    await recovered(w);
  }, 20_000);
});

import { describe, expect, test } from "bun:test";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { codexTurn, gatewayWorld, until } from "./gateway-world.ts";

// What an instance does with the others' notifications on a real PostgreSQL: a usage reading stored by one
// instance makes the others read the usage again, nothing more (a full reload per reading, per instance, grew
// with the square of the instances).
const cluster = usePgCluster();

describe("gateway notifications", () => {
  test("a usage reading stored by A: B reads the usage alone and weighs A's windows; A reads nothing again", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const a = await w.start();
      const b = await w.start();
      await Bun.sleep(200); // the start-up reloads (subscription) are done
      const before = { a: { ...a.cache.reloads }, b: { ...b.cache.reloads } };
      const at = Date.now();
      const windows = [{ label: "weekly", usedPercent: 42, windowMinutes: 10_080, resetsAt: at + 3_600_000 }];
      a.queue.usage({ account: "acct-a", fetchedAt: at, source: "live", plan: "plus", windows });
      await a.queue.flush();
      await until("B reads the usage", () => b.cache.reloads.usage > before.b.usage);
      expect(b.cache.usage.get("acct-a")?.fetchedAt).toBe(at);
      await Bun.sleep(100);
      expect(b.cache.reloads).toEqual({ full: before.b.full, usage: before.b.usage + 1 });
      expect(a.cache.reloads).toEqual(before.a);
      // The reading reached B's own pool: its windows there are A's reading.
      const seen = b.proxy.state.pool.snapshot().profiles.find((p) => p.name === "acct-a");
      expect(seen?.fetchedAt).toBe(at);
      // Serving through both makes no full reload anywhere (only accounts, tokens and reconnects do).
      for (let i = 0; i < 6; i++) expect((await codexTurn(i % 2 ? a.url : b.url, w.key)).status).toBe(200);
      await Bun.sleep(1_500); // a usage share (every second) and its notice
      expect(a.cache.reloads.full).toBe(before.a.full);
      expect(b.cache.reloads.full).toBe(before.b.full);
    } finally {
      await w.close();
    }
  }, 60_000);
});

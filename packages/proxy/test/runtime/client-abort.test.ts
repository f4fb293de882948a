import { describe, expect, test } from "bun:test";
import { activeStreams, postResponses, responsesBody, usePoolFixtures } from "../helpers/pool-fixture.ts";

// Found by the load harness (abort scenarios): a client that leaves while the proxy holds the
// answer (before its first output event) must not cost the serving account a backoff.
const openPool = usePoolFixtures();

describe("a client that leaves before the first output event", () => {
  test("cancels the upstream and leaves its account healthy", async () => {
    const f = await openPool([{ id: "acct-a" }, { id: "acct-b" }]);
    // The answer starts at once (response.created) but its first delta takes a while: the proxy holds.
    f.mock.setOptions({ stream: { chunkDelayMs: 2_000 } });
    const kinds: string[] = [];
    const off = f.ctx.events.subscribe((e) => kinds.push(e.kind));
    const leave = new AbortController();
    const res = postResponses(f, responsesBody(), {}, leave.signal).catch((e: unknown) =>
      e instanceof Error ? e.name : String(e),
    );
    const until = Date.now() + 5_000;
    while ((await activeStreams(f)) === 0 && Date.now() < until) await Bun.sleep(10);
    expect(await activeStreams(f)).toBe(1);
    leave.abort();
    expect(await res).toBe("AbortError");
    while ((await activeStreams(f)) > 0 && Date.now() < until) await Bun.sleep(10);
    expect(await activeStreams(f)).toBe(0);
    await Bun.sleep(50);
    off();
    const p1 = f.proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1");
    expect(p1?.backoff).toBeNull();
    expect(p1?.errors).toBe(0);
    expect(kinds).not.toContain("backoff");
  });
});

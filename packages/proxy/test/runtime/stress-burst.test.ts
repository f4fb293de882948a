import { describe, expect, test } from "bun:test";
import {
  type PoolFixture,
  activeStreams,
  eventTypes,
  postResponses,
  responsesBody,
  usePoolFixtures,
} from "../helpers/pool-fixture.ts";

// Load on one proxy, bounded in count and time (the stress suite repeats it: bun run test:stress
// --suite stress): concurrent streams while an account runs out and the pool rotates, a burst
// spread over the accounts, and a storm of clients leaving mid-stream. Each ends with the pool
// healthy and nothing left running upstream.

const openPool = usePoolFixtures();
const THREE = [
  { id: "acct-a", primary: { usedPercent: 10 } },
  { id: "acct-b", primary: { usedPercent: 20 } },
  { id: "acct-c", primary: { usedPercent: 30 } },
];

async function settles(f: PoolFixture, ms = 5_000): Promise<number> {
  const until = Date.now() + ms;
  while ((await activeStreams(f)) > 0 && Date.now() < until) await Bun.sleep(20);
  return activeStreams(f);
}

describe("stress", () => {
  test("8 concurrent streams while the preferred account runs out: every one completes, on the other accounts", async () => {
    const f = await openPool(THREE);
    f.mock.setOptions({ stream: { chunkDelayMs: 20, chunks: 8 } });
    // acct-a is out of quota upstream, but the proxy does not know yet: its first answers are 429s.
    f.mock.exhaust("acct-a", 900);
    const answers = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res = await postResponses(f, responsesBody(`stream ${i}`));
        return { status: res.status, text: await res.text() };
      }),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(eventTypes(a.text)).toContain("response.completed");
      expect(eventTypes(a.text)).not.toContain("response.failed");
    }
    const served = f.mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.status === 200);
    expect(served).toHaveLength(8);
    expect(served.every((r) => r.accountId !== "acct-a")).toBe(true);
    expect(f.proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.backoff?.reason).toBe("quota");
    expect(await settles(f)).toBe(0);
  }, 30_000);

  test("a burst of 24 requests at once is served in full, and the pool stays healthy", async () => {
    const f = await openPool(THREE);
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await postResponses(f, responsesBody(`burst ${i}`));
        return { status: res.status, text: await res.text() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(200));
    for (const a of answers) expect(a.text).toContain("hi from mock");
    const snap = f.proxy.state.pool.snapshot();
    expect(snap.profiles.every((p) => p.backoff === null && p.errors === 0)).toBe(true);
    expect(await settles(f)).toBe(0);
  }, 30_000);

  test("an abort storm: 16 clients leave mid-stream; every upstream is cancelled, no account is blamed, the next request is served", async () => {
    const f = await openPool(THREE);
    f.mock.setOptions({ stream: { chunkDelayMs: 300, chunks: 20 } });
    const leaving = Array.from({ length: 16 }, () => new AbortController());
    const pending = leaving.map((c, i) =>
      postResponses(f, responsesBody(`leave ${i}`), {}, c.signal)
        .then((r) => r.text())
        .catch((e: unknown) => (e instanceof Error ? e.name : String(e))),
    );
    const until = Date.now() + 10_000;
    while ((await activeStreams(f)) < 16 && Date.now() < until) await Bun.sleep(20);
    expect(await activeStreams(f)).toBe(16);
    for (const c of leaving) c.abort();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(["AbortError"]));
    expect(await settles(f)).toBe(0);
    const snap = f.proxy.state.pool.snapshot();
    expect(snap.profiles.every((p) => p.backoff === null && p.errors === 0)).toBe(true);
    f.mock.setOptions({ stream: {} });
    const after = await postResponses(f, responsesBody("still here?"));
    expect(after.status).toBe(200);
    expect(eventTypes(await after.text())).toContain("response.completed");
  }, 30_000);
});

import { describe, expect, test } from "bun:test";
import { UpstreamStalledError, UpstreamStream } from "./upstream-stream.ts";

const enc = new TextEncoder();
const frame = (type: string) => enc.encode(`event: ${type}\ndata: ${JSON.stringify({ type })}\n\n`);

/** An upstream body that sends `chunks` and then stays silent (never ends) until cancelled. */
function silentAfter(chunks: Uint8Array[]): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks[i++];
      if (next) c.enqueue(next);
      else return new Promise<void>(() => {});
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

const HOLD = { maxMs: 20_000, maxBytes: 256 * 1024 };

describe("UpstreamStream stall limit", () => {
  const before: { name: string; chunks: Uint8Array[] }[] = [
    { name: "no byte at all after the headers", chunks: [] },
    { name: "silence after response.created (nothing shown yet)", chunks: [frame("response.created")] },
  ];
  for (const c of before) {
    test(`before the commit point, ${c.name}: rotate, upstream cancelled`, async () => {
      const up = silentAfter(c.chunks);
      const abort = new AbortController();
      const held = await new UpstreamStream(up.body, abort, Date.now, 80).hold(HOLD);
      expect(held.kind).toBe("rotate");
      if (held.kind !== "rotate") return;
      expect(held.verdict).toMatchObject({ action: "rotate", kind: "transient" });
      expect(held.verdict.reason).toContain("upstream stalled");
      expect(abort.signal.aborted).toBe(true);
      expect(up.cancelled()).toBe(true);
    });
  }

  test("the hold's time limit commits what it holds; with not one byte by then, the answer counts as stalled", async () => {
    const empty = await new UpstreamStream(silentAfter([]).body, new AbortController(), Date.now, 5_000).hold({
      maxMs: 20,
      maxBytes: 1 << 20,
    });
    expect(empty).toMatchObject({ kind: "rotate", verdict: { kind: "transient" } });
    expect(empty.kind === "rotate" && empty.verdict.reason).toContain("upstream stalled");
    const some = await new UpstreamStream(
      silentAfter([frame("response.created")]).body,
      new AbortController(),
      Date.now,
      5_000,
    ).hold({ maxMs: 20, maxBytes: 1 << 20 });
    expect(some).toMatchObject({ kind: "commit", why: "limit" });
  });

  test("after the commit point, silence ends the stream with UpstreamStalledError and cancels the upstream", async () => {
    const up = silentAfter([
      frame("response.created"),
      frame("response.output_text.delta"),
      frame("response.output_text.delta"),
    ]);
    const abort = new AbortController();
    const stream = new UpstreamStream(up.body, abort, Date.now, 80);
    expect((await stream.hold(HOLD)).kind).toBe("commit");
    expect(await stream.next()).not.toBeNull();
    const err = await stream.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamStalledError);
    expect((err as Error).message).toBe("upstream stalled: no data for 80ms");
    expect(abort.signal.aborted).toBe(true);
    expect(up.cancelled()).toBe(true);
  });

  test("a slow but steady stream is never cut: the limit counts silence, not length", async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await Bun.sleep(60);
        if (n++ < 12) c.enqueue(frame(n === 1 ? "response.created" : "response.output_text.delta"));
        else c.close();
      },
    });
    const stream = new UpstreamStream(body, new AbortController(), Date.now, 300);
    expect((await stream.hold(HOLD)).kind).toBe("commit");
    let chunks = 0;
    while (await stream.next()) chunks++;
    expect(chunks).toBe(10);
  });
});

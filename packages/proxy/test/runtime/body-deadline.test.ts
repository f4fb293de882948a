import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type PoolFixture, eventTypes, poolFixture, postResponses, responsesBody } from "../helpers/pool-fixture.ts";
import { parseReply } from "../helpers/raw-http.ts";

// A client holding the secret that sends its body a byte a second: the proxy never cuts idle
// connections (idleTimeout 0, for long streams), so the body itself has a deadline (60 s by
// default; 1.5 s here) and a late body gets a clear 408, never a connection held forever.

const DEADLINE_MS = 1_500;
let f: PoolFixture;
beforeAll(async () => {
  f = await poolFixture([{ id: "acct-a" }], { bodyReadMs: DEADLINE_MS });
});
afterAll(() => f.close());

/** Sends the request head, then its body one byte every `everyMs`; resolves with what the proxy answered and when. */
async function dribble(
  head: string,
  body: string,
  everyMs: number,
): Promise<{ text: string; ms: number; closed: boolean }> {
  let text = "";
  let closed = false;
  const answered = Promise.withResolvers<void>();
  const started = performance.now();
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: f.proxy.port,
    socket: {
      data(_s, chunk) {
        text += Buffer.from(chunk).toString("latin1");
        if (/\r\n\r\n/.test(text)) answered.resolve();
      },
      close: () => {
        closed = true;
        answered.resolve();
      },
      error: () => answered.resolve(),
    },
  });
  socket.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (i < body.length) socket.write(body[i++] as string);
  }, everyMs);
  const giveUp = setTimeout(() => answered.resolve(), 20_000);
  await answered.promise;
  const ms = performance.now() - started;
  clearInterval(timer);
  clearTimeout(giveUp);
  socket.end();
  return { text, ms, closed };
}

describe("request body deadline", () => {
  const cases = [
    [
      "Codex responses",
      () => `/s/${f.proxy.pathId}/backend-api/codex/responses`,
      () => `X-Prodex-Key: ${f.proxy.secret}`,
    ],
    ["Claude messages", () => "/v1/messages", () => `x-api-key: ${f.proxy.secret}`],
  ] as const;
  for (const [label, path, key] of cases) {
    test(`${label}: a body dribbled a byte a second → 408 at the deadline, nothing sent upstream`, async () => {
      const before = f.mock.requests().length;
      const body = JSON.stringify({ model: "gpt-5", input: "x".repeat(200) });
      const head = `POST ${path()} HTTP/1.1\r\nHost: 127.0.0.1:${f.proxy.port}\r\n${key()}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const r = await dribble(head, body, 1_000);
      const reply = parseReply(r.text);
      expect(reply.status).toBe(408);
      expect(reply.body).toContain(`request body not received within ${DEADLINE_MS / 1000} s`);
      expect(r.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(r.ms).toBeLessThan(DEADLINE_MS + 5_000);
      expect(f.mock.requests().length).toBe(before);
    }, 30_000);
  }

  test("a body that arrives in time is served as usual", async () => {
    const res = await postResponses(f, responsesBody("on time"));
    expect(res.status).toBe(200);
    expect(eventTypes(await res.text())).toContain("response.completed");
  });
});

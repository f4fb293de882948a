import { expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { ClientPace } from "./client-pace.ts";

/** A client whose `send` answers what Bun's does: 1+ sent, -1 queued behind back-pressure, 0 dropped. */
function client(status: number) {
  const sent: string[] = [];
  const ws = { send: (text: string) => (sent.push(text), status) } as unknown as ServerWebSocket<unknown>;
  return { ws, sent };
}

function source() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push("pause"), resume: () => calls.push("resume") };
}

test.each([
  ["sent at once: the source is never paused", 12, "sent", []],
  ["dropped (past the client's limit): the caller ends it", 0, "dropped", []],
] as const)("%s", async (_why, status, want, calls) => {
  const c = client(status);
  const s = source();
  expect(await new ClientPace(new AbortController().signal).send(c.ws, "frame", s)).toBe(want);
  expect(c.sent).toEqual(["frame"]);
  expect(s.calls).toEqual([...calls]);
});

test("back-pressure: the source stays paused until the client drains, then reading resumes", async () => {
  const pace = new ClientPace(new AbortController().signal);
  const s = source();
  let slow = 0;
  let settled = null as string | null;
  const sending = pace
    .send(client(-1).ws, "frame", s, () => slow++)
    .then((r) => {
      settled = r;
    });
  await Bun.sleep(20);
  expect(settled).toBeNull();
  expect(s.calls).toEqual(["pause"]);
  pace.drain();
  await sending;
  expect(settled).toBe("sent");
  expect(s.calls).toEqual(["pause", "resume"]);
  expect(slow).toBe(1);
});

test("the connection ending while a send waits: it returns gone, and later sends send nothing", async () => {
  const gone = new AbortController();
  const pace = new ClientPace(gone.signal);
  const sending = pace.send(client(-1).ws, "frame", source());
  gone.abort();
  pace.drain();
  expect(await sending).toBe("gone");
  const later = client(1);
  expect(await pace.send(later.ws, "late", source())).toBe("gone");
  expect(later.sent).toEqual([]);
});

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createMockBackend } from "./server.ts";
import { eventTypes, parseSse } from "./sse-parse.ts";
import { codexBody, postResponses, rec, userMessage } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

let mock: MockBackend;
let auth: AuthJson;
const body = codexBody([userMessage("say hi")], { include: [] });

beforeEach(async () => {
  mock = await createMockBackend({ accounts: [{ id: "acct-1" }, { id: "acct-2" }] });
  auth = mock.authFile("acct-1");
});
afterEach(() => mock.stop());

/** Read a body to its end or its error: the text received and whether the socket broke. */
async function drain(res: Response): Promise<{ text: string; broke: boolean }> {
  const reader = res.body?.getReader();
  const dec = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return { text, broke: false };
      text += dec.decode(chunk.value);
    }
  } catch {
    return { text, broke: true };
  }
}

describe("faults over HTTP", () => {
  test.each([
    { fault: { kind: "rate_limit" } as const, status: 429, code: "rate_limit_exceeded" },
    { fault: { kind: "unauthorized" } as const, status: 401, code: "token_expired" },
    { fault: { kind: "server_error", status: 502 } as const, status: 502, code: "server_error" },
    { fault: { kind: "server_error" } as const, status: 500, code: "server_error" },
    { fault: { kind: "overloaded" } as const, status: 503, code: "server_is_overloaded" },
  ])("$fault.kind → $status $code, then a normal answer", async ({ fault, status, code }) => {
    mock.fault("acct-1", fault);
    const res = await postResponses(mock, auth, body);
    expect(res.status).toBe(status);
    expect(rec(rec(await res.json()).error).code).toBe(code);
    expect((await postResponses(mock, auth, body)).status).toBe(200);
  });

  test("usage_limit: a one-off 429 with its reset; the account itself is not exhausted", async () => {
    mock.fault("acct-1", { kind: "usage_limit", resetsInSeconds: 60 });
    const res = await postResponses(mock, auth, body);
    expect(res.status).toBe(429);
    expect(rec(rec(await res.json()).error)).toMatchObject({ type: "usage_limit_reached", resets_in_seconds: 60 });
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("100");
    expect(res.headers.get("x-codex-primary-reset-after-seconds")).toBe("60");
    expect(mock.accounts()[0]?.exhausted).toBe(false);
  });

  test("slow_first_byte delays the answer, which is then normal", async () => {
    mock.fault("acct-1", { kind: "slow_first_byte", delayMs: 150 });
    const started = performance.now();
    const res = await postResponses(mock, auth, body);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(eventTypes(parseSse(await res.text())).at(-1)).toBe("response.completed");
  });

  test("stream_failed_usage_limit: 200, response.created then response.failed usage_limit_reached", async () => {
    mock.fault("acct-1", { kind: "stream_failed_usage_limit" });
    const res = await postResponses(mock, auth, body);
    expect(res.status).toBe(200);
    const list = parseSse(await res.text());
    expect(eventTypes(list)).toEqual(["response.created", "response.failed"]);
    expect(rec(rec(list[1]?.data).response).error).toMatchObject({ code: "usage_limit_reached" });
    expect(mock.accounts()[0]?.counters).toMatchObject({ limited: 1, completed: 0 });
  });

  test("drop_after_events: N events, then the socket closes without response.completed", async () => {
    mock.fault("acct-1", { kind: "drop_after_events", events: 3 });
    const res = await postResponses(mock, auth, body);
    expect(res.status).toBe(200);
    const { text, broke } = await drain(res);
    expect(broke).toBe(true);
    expect(eventTypes(parseSse(text))).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
    ]);
    expect(mock.accounts()[0]?.counters.completed).toBe(0);
  });

  test("error_after_commit: answer text, then response.failed server_error", async () => {
    mock.fault("acct-1", { kind: "error_after_commit", afterEvents: 2 });
    const res = await postResponses(mock, auth, codexBody([userMessage("use the tool")]));
    const types = eventTypes(parseSse(await res.text()));
    expect(types).toContain("response.output_text.delta");
    expect(types).not.toContain("response.completed");
    expect(types.at(-1)).toBe("response.failed");
  });

  test("reset_before_first_byte: the connection closes with no response", async () => {
    mock.fault("acct-1", { kind: "reset_before_first_byte" });
    expect(postResponses(mock, auth, body)).rejects.toThrow();
    await Bun.sleep(10);
    expect((await postResponses(mock, auth, body)).status).toBe(200);
    expect(mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.status)).toEqual([0, 200]);
  });

  test("faults queue per account and are consumed one per request, in order", async () => {
    mock.fault("acct-1", { kind: "rate_limit" }, { kind: "overloaded" });
    const other = mock.authFile("acct-2");
    expect((await postResponses(mock, other, body)).status).toBe(200);
    expect(mock.accounts()[0]?.pendingFaults).toBe(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postResponses(mock, auth, body)).status);
    expect(statuses).toEqual([429, 503, 200]);
  });

  test("an exhausted account answers 429 before any queued fault is consumed", async () => {
    mock.fault("acct-1", { kind: "overloaded" });
    mock.exhaust("acct-1");
    expect((await postResponses(mock, auth, body)).status).toBe(429);
    expect(mock.accounts()[0]?.pendingFaults).toBe(1);
  });

  test("invalid faults are refused with one clear line", () => {
    expect(() => mock.fault("acct-1", { kind: "server_error", status: 200 })).toThrow(
      "fault server_error: status must be 5xx",
    );
    expect(() => mock.fault("acct-9", { kind: "rate_limit" })).toThrow("unknown account acct-9");
  });
});

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ownerOf } from "./encrypted.ts";
import { createMockBackend } from "./server.ts";
import { arr, codexBody, rec, userMessage } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

let mock: MockBackend;
let auth: AuthJson;

beforeEach(async () => {
  mock = await createMockBackend({ accounts: [{ id: "acct-1" }, { id: "acct-2" }] });
  auth = mock.authFile("acct-1");
});
afterEach(() => mock.stop());

type Frame = Record<string, unknown>;

/** A Codex-like websocket client: frames in order, plus whether/how the socket closed. */
class Client {
  frames: Frame[] = [];
  closed: { code: number } | null = null;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(rec(JSON.parse(String(e.data))));
      this.wake();
    };
    ws.onclose = (e) => {
      this.closed = { code: e.code };
      this.wake();
    };
  }

  static open(mock: MockBackend, auth: AuthJson): Promise<Client> {
    const url = `${mock.baseUrl.replace("http", "ws")}/codex/responses`;
    const headers = {
      authorization: `Bearer ${auth.tokens.access_token}`,
      "chatgpt-account-id": auth.tokens.account_id,
      "openai-beta": "responses_websockets=2026-02-06",
    };
    const ws = new WebSocket(url, { headers });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(client);
      ws.onerror = () => reject(new Error("websocket failed to open"));
    });
  }

  send(body: Frame): void {
    this.ws.send(JSON.stringify({ type: "response.create", ...body }));
  }

  /** Frames up to and including the next terminal one (completed, failed or error). */
  async turn(timeoutMs = 3000): Promise<Frame[]> {
    const start = this.frames.length;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.frames
        .slice(start)
        .findIndex((f) => ["response.completed", "response.failed", "error"].includes(String(f.type)));
      if (end >= 0) return this.frames.splice(start, end + 1);
      if (this.closed || Date.now() > deadline) return this.frames.splice(start);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

const responseOf = (frames: Frame[]) => rec(frames.at(-1)?.response);

describe("websocket /backend-api/codex/responses", () => {
  test("prewarm (generate:false) then a turn chained by previous_response_id", async () => {
    const c = await Client.open(mock, auth);
    c.send({ ...codexBody([userMessage("hi")]), generate: false });
    const prewarm = await c.turn();
    expect(prewarm.map((f) => f.type)).toEqual(["response.created", "response.completed"]);
    expect(responseOf(prewarm).output).toEqual([]);
    c.send({ ...codexBody([userMessage("say hi")]), previous_response_id: responseOf(prewarm).id });
    const turn = await c.turn();
    expect(turn.at(-1)?.type).toBe("response.completed");
    const output = arr(responseOf(turn).output).map(rec);
    expect(output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(ownerOf(String(output[0]?.encrypted_content))).toBe("acct-1");
    expect(turn.filter((f) => f.type === "response.output_text.delta").map((f) => f.delta)).toEqual(["hi from mock"]);
    // Only the generated response counts as completed (and costs usage), not the prewarm.
    expect(mock.accounts()[0]?.counters).toMatchObject({ requests: 2, completed: 1 });
    c.ws.close();
  });

  test("a tool round trip over one connection", async () => {
    const c = await Client.open(mock, auth);
    c.send(codexBody([userMessage("use the tool")]));
    const first = await c.turn();
    const call = arr(responseOf(first).output)
      .map(rec)
      .find((o) => o.type === "function_call");
    expect(call?.name).toBe("exec_command");
    c.send({
      ...codexBody([{ type: "function_call_output", call_id: call?.call_id, output: "tool-ran" }]),
      previous_response_id: responseOf(first).id,
    });
    const second = await c.turn();
    expect(
      second
        .filter((f) => f.type === "response.output_text.delta")
        .map((f) => f.delta)
        .join(""),
    ).toBe("tool said: tool-ran");
    c.ws.close();
  });

  test("an unknown previous_response_id (e.g. from another connection) is a 400 error frame", async () => {
    const a = await Client.open(mock, auth);
    a.send(codexBody([userMessage("hi")]));
    const id = responseOf(await a.turn()).id;
    const b = await Client.open(mock, auth);
    b.send({ ...codexBody([userMessage("more")]), previous_response_id: id });
    const [frame] = await b.turn();
    expect(frame).toMatchObject({
      type: "error",
      status: 400,
      error: { type: "invalid_request_error", code: "previous_response_not_found" },
    });
    expect(frame && "status_code" in frame).toBe(false);
    a.ws.close();
    b.ws.close();
  });

  test("usage limit: error frame with status 429 (never status_code), the socket stays usable", async () => {
    mock.exhaust("acct-1", 900);
    const c = await Client.open(mock, auth);
    c.send(codexBody([userMessage("hi")]));
    const [frame] = await c.turn();
    expect(frame).toMatchObject({
      type: "error",
      status: 429,
      error: { type: "usage_limit_reached", resets_in_seconds: 900, plan_type: "plus" },
    });
    expect(frame && "status_code" in frame).toBe(false);
    expect(rec(frame?.headers)["x-codex-primary-used-percent"]).toBe("100");
    mock.setUsage("acct-1", { usedPercent: 1 });
    c.send(codexBody([userMessage("hi")]));
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    c.ws.close();
  });

  test("the upgrade itself needs a valid token of the named account", async () => {
    const expired = mock.authFile("acct-1", { expiresInSeconds: -1 });
    await expect(Client.open(mock, expired)).rejects.toThrow("failed to open");
    const upgrade = mock.requests({ path: "/backend-api/codex/responses" }).at(-1);
    expect(upgrade).toMatchObject({ status: 401, accountId: "acct-1" });
  });

  test("encrypted content of another account → invalid_encrypted_content error frame", async () => {
    const other = await Client.open(mock, mock.authFile("acct-2"));
    other.send(codexBody([userMessage("hi")]));
    const reasoning = arr(responseOf(await other.turn()).output).map(rec)[0];
    const c = await Client.open(mock, auth);
    c.send(codexBody([reasoning ?? {}, userMessage("continue")]));
    const [frame] = await c.turn();
    expect(frame).toMatchObject({ type: "error", status: 400, error: { code: "invalid_encrypted_content" } });
    other.ws.close();
    c.ws.close();
  });

  test("faults apply to generating frames, not to the prewarm", async () => {
    mock.fault(
      "acct-1",
      { kind: "overloaded" },
      { kind: "stream_failed_usage_limit" },
      { kind: "error_after_commit", afterEvents: 1 },
    );
    const c = await Client.open(mock, auth);
    c.send({ ...codexBody([userMessage("hi")]), generate: false });
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    c.send(codexBody([userMessage("hi")]));
    expect((await c.turn())[0]).toMatchObject({ type: "error", status: 503, error: { code: "server_is_overloaded" } });
    c.send(codexBody([userMessage("hi")]));
    const failed = await c.turn();
    expect(failed.map((f) => f.type)).toEqual(["response.created", "response.failed"]);
    expect(responseOf(failed).error).toMatchObject({ code: "usage_limit_reached" });
    c.send(codexBody([userMessage("hi")]));
    const committed = (await c.turn()).map((f) => f.type);
    expect(committed).toContain("response.output_text.delta");
    expect(committed.at(-1)).toBe("response.failed");
    c.ws.close();
  });

  test("drop_after_events and reset_before_first_byte close the socket", async () => {
    mock.fault("acct-1", { kind: "drop_after_events", events: 2 });
    const c = await Client.open(mock, auth);
    c.send(codexBody([userMessage("hi")]));
    const frames = await c.turn();
    expect(frames.map((f) => f.type)).toEqual(["response.created", "response.in_progress"]);
    expect(c.closed).not.toBeNull();
    mock.fault("acct-1", { kind: "reset_before_first_byte" });
    const d = await Client.open(mock, auth);
    d.send(codexBody([userMessage("hi")]));
    expect(await d.turn()).toEqual([]);
    expect(d.closed).not.toBeNull();
  });

  test("malformed frames get an error frame, and the connection keeps working", async () => {
    const c = await Client.open(mock, auth);
    c.ws.send("{not json");
    expect((await c.turn())[0]).toMatchObject({ type: "error", status: 400 });
    c.ws.send(JSON.stringify({ type: "response.cancel" }));
    expect((await c.turn())[0]).toMatchObject({ type: "error", status: 400 });
    c.send(codexBody([userMessage("hi")]));
    expect((await c.turn()).at(-1)?.type).toBe("response.completed");
    expect(
      mock
        .requests()
        .filter((r) => r.transport === "ws")
        .map((r) => r.status),
    ).toEqual([400, 400, 200]);
    c.ws.close();
  });
});

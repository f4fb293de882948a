import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createMockBackend } from "./server.ts";
import { ownerOf } from "./encrypted.ts";
import { eventTypes, parseSse } from "./sse-parse.ts";
import { arr, codexBody, postResponses, rec, userMessage } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

let mock: MockBackend;
let auth: AuthJson;

beforeEach(async () => {
  mock = await createMockBackend({ accounts: [{ id: "acct-1", primary: { usedPercent: 12.5 } }, { id: "acct-2" }] });
  auth = mock.authFile("acct-1");
});
afterEach(() => mock.stop());

const events = async (res: Response) => parseSse(await res.text()).map((m) => rec(m.data));
const completed = (list: Record<string, unknown>[]) => rec(list.find((e) => e.type === "response.completed")?.response);
const outputText = (list: Record<string, unknown>[]) =>
  list
    .filter((e) => e.type === "response.output_text.delta")
    .map((e) => e.delta)
    .join("");

describe("POST /backend-api/codex/responses", () => {
  test("streams the reply like examples/codex-ok.sse, with x-codex headers of the account", async () => {
    const res = await postResponses(mock, auth, codexBody([userMessage("say hi")], { include: [] }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("12.5");
    expect(res.headers.get("x-codex-primary-window-minutes")).toBe("300");
    expect(res.headers.get("x-codex-secondary-window-minutes")).toBe("10080");
    expect(res.headers.get("x-codex-plan-type")).toBe("plus");
    expect(Number(res.headers.get("x-codex-primary-reset-at"))).toBeGreaterThan(Date.now() / 1000);
    const text = await res.text();
    expect(text).toContain("event: response.created\ndata: ");
    const list = parseSse(text);
    const example = parseSse(await Bun.file("/work/shared/protocol/examples/codex-ok.sse").text());
    expect(eventTypes(list)).toEqual(eventTypes(example));
    expect(list.map((m) => m.event)).toEqual(eventTypes(list));
    expect(completed(list.map((m) => rec(m.data))).usage).toMatchObject({ output_tokens: 3 });
    const state = mock.accounts().find((a) => a.id === "acct-1");
    expect(state?.counters).toMatchObject({ requests: 1, completed: 1 });
  });

  test("reasoning first when encrypted content is included, bound to the serving account", async () => {
    const list = await events(await postResponses(mock, auth, codexBody([userMessage("say hi")])));
    const output = arr(completed(list).output).map(rec);
    expect(output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(ownerOf(String(output[0]?.encrypted_content))).toBe("acct-1");
    expect(list.some((e) => e.type === "response.reasoning_summary_text.delta")).toBe(true);
  });

  test("a prompt with 'tool' gets a function call to exec_command; its output gets 'tool said:'", async () => {
    const first = await events(await postResponses(mock, auth, codexBody([userMessage("run the tool")])));
    const call = arr(completed(first).output)
      .map(rec)
      .find((o) => o.type === "function_call");
    expect(call).toMatchObject({ name: "exec_command", arguments: '{"cmd":"echo tool-ran"}' });
    const followUp = codexBody([
      userMessage("run the tool"),
      call ?? {},
      { type: "function_call_output", call_id: call?.call_id, output: "Output:\ntool-ran\n" },
    ]);
    expect(outputText(await events(await postResponses(mock, auth, followUp)))).toBe("tool said: Output:\ntool-ran");
  });

  test("accepts zstd bodies (the built-in provider compresses)", async () => {
    const raw = Bun.zstdCompressSync(new TextEncoder().encode(JSON.stringify(codexBody([userMessage("say hi")]))));
    const res = await fetch(`${mock.baseUrl}/codex/responses`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-encoding": "zstd",
        authorization: `Bearer ${auth.tokens.access_token}`,
        "chatgpt-account-id": "acct-1",
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(outputText(await events(res))).toBe("hi from mock");
    expect(mock.requests({ path: "/backend-api/codex/responses" })[0]?.body).toMatchObject({ model: "gpt-5" });
  });

  test.each([
    { name: "malformed JSON", body: "{nope", encoding: undefined },
    { name: "bad zstd", body: "not zstd", encoding: "zstd" },
    { name: "input not an array", body: JSON.stringify({ input: 5 }), encoding: undefined },
  ])("$name → 400 JSON error, and the mock keeps serving", async ({ body, encoding }) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${auth.tokens.access_token}`,
      "chatgpt-account-id": "acct-1",
    };
    if (encoding) headers["content-encoding"] = encoding;
    const res = await fetch(`${mock.baseUrl}/codex/responses`, { method: "POST", headers, body });
    expect(res.status).toBe(400);
    expect(rec(rec(await res.json()).error).type).toBe("invalid_request_error");
    expect((await postResponses(mock, auth, codexBody([userMessage("hi")]))).status).toBe(200);
  });

  test.each<{ name: string; headers: Record<string, string>; code: string }>([
    { name: "no bearer", headers: { authorization: "" }, code: "missing_authorization" },
    { name: "unknown token", headers: { authorization: "Bearer eyJ.x.y" }, code: "invalid_api_key" },
    { name: "other account's id", headers: { "chatgpt-account-id": "acct-2" }, code: "account_mismatch" },
  ])("401 for $name", async ({ headers, code }) => {
    const res = await postResponses(mock, auth, codexBody([userMessage("hi")]), { headers });
    expect(res.status).toBe(401);
    expect(rec(await res.json()).error).toMatchObject({ type: "invalid_request_error", code });
  });

  test("401 token_expired for an expired access token; the refreshed one works", async () => {
    const old = mock.authFile("acct-1", { expiresInSeconds: -5 });
    const res = await postResponses(mock, old, codexBody([userMessage("hi")]));
    expect(res.status).toBe(401);
    expect(rec(await res.json()).error).toMatchObject({ code: "token_expired" });
    expect(mock.accounts()[0]?.counters.unauthorized).toBe(1);
  });

  test("an exhausted account answers 429 usage_limit_reached exactly like examples/codex-429", async () => {
    mock.exhaust("acct-1", 1800);
    const res = await postResponses(mock, auth, codexBody([userMessage("hi")]));
    expect(res.status).toBe(429);
    const body = rec(await res.json());
    const example = rec(await Bun.file("/work/shared/protocol/examples/codex-429.json").json());
    expect(Object.keys(rec(body.error)).sort()).toEqual(Object.keys(rec(example.error)).sort());
    expect(rec(body.error)).toMatchObject({ type: "usage_limit_reached", plan_type: "plus", resets_in_seconds: 1800 });
    expect(Number(rec(body.error).resets_at) - Date.now() / 1000).toBeCloseTo(1800, -1);
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("100");
    expect(res.headers.get("x-codex-credits-has-credits")).toBe("false");
    expect(mock.accounts()[0]).toMatchObject({ exhausted: true, counters: { limited: 1 } });
  });

  test("a full secondary window blocks too", async () => {
    mock.setUsage("acct-1", { usedPercent: 10 }, { usedPercent: 100, resetAfterSeconds: 7200 });
    const res = await postResponses(mock, auth, codexBody([userMessage("hi")]));
    expect(res.status).toBe(429);
    expect(rec(rec(await res.json()).error).resets_in_seconds).toBe(7200);
  });

  test("content encrypted by another account is refused with invalid_encrypted_content", async () => {
    const other = mock.authFile("acct-2");
    const list = await events(await postResponses(mock, other, codexBody([userMessage("hi")])));
    const reasoning = arr(completed(list).output).map(rec)[0];
    const body = codexBody([userMessage("hi"), reasoning ?? {}, userMessage("again")]);
    const res = await postResponses(mock, auth, body);
    expect(res.status).toBe(400);
    expect(rec(await res.json()).error).toMatchObject({
      type: "invalid_request_error",
      code: "invalid_encrypted_content",
    });
    expect((await postResponses(mock, other, body)).status).toBe(200);
  });

  test("compaction_trigger → exactly one compaction item bound to the account", async () => {
    const list = await events(
      await postResponses(mock, auth, codexBody([userMessage("hi"), { type: "compaction_trigger" }])),
    );
    const output = arr(completed(list).output).map(rec);
    expect(output).toHaveLength(1);
    expect(output[0]?.type).toBe("compaction");
    expect(ownerOf(String(output[0]?.encrypted_content))).toBe("acct-1");
    const other = mock.authFile("acct-2");
    const res = await postResponses(mock, other, codexBody([output[0] ?? {}, userMessage("continue")]));
    expect(res.status).toBe(400);
  });

  test("POST /responses/compact answers unary JSON with one compaction item", async () => {
    const res = await fetch(`${mock.baseUrl}/codex/responses/compact`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${auth.tokens.access_token}`,
        "chatgpt-account-id": "acct-1",
      },
      body: JSON.stringify({ model: "gpt-5", input: [userMessage("hi")] }),
    });
    expect(res.status).toBe(200);
    const output = arr(rec(await res.json()).output).map(rec);
    expect(output.map((o) => o.type)).toEqual(["compaction"]);
    expect(ownerOf(String(output[0]?.encrypted_content))).toBe("acct-1");
  });

  test("x-codex-turn-state: minted once per (account, turn), echoed when the client sends one", async () => {
    const meta = (turn: string) => ({ "x-codex-turn-metadata": JSON.stringify({ turn_id: turn }) });
    const body = codexBody([userMessage("hi")]);
    const a = (await postResponses(mock, auth, body, { headers: meta("t1") })).headers.get("x-codex-turn-state");
    const b = (await postResponses(mock, auth, body, { headers: meta("t1") })).headers.get("x-codex-turn-state");
    const c = (await postResponses(mock, auth, body, { headers: meta("t2") })).headers.get("x-codex-turn-state");
    const d = (await postResponses(mock, mock.authFile("acct-2"), body, { headers: meta("t1") })).headers.get(
      "x-codex-turn-state",
    );
    expect(a).toBeTruthy();
    expect(b).toBe(a);
    expect(new Set([a, c, d]).size).toBe(3);
    const echoed = await postResponses(mock, auth, body, { headers: { "x-codex-turn-state": "client-ts" } });
    expect(echoed.headers.get("x-codex-turn-state")).toBe("client-ts");
  });

  test("stream options: chunks × chunkSize deltas, paced by chunkDelayMs", async () => {
    mock.setOptions({ stream: { chunks: 4, chunkSize: 3, chunkDelayMs: 25 }, reply: "abcdef" });
    const started = performance.now();
    const list = await events(await postResponses(mock, auth, codexBody([userMessage("hi")])));
    const deltas = list.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    expect(deltas).toEqual(["abc", "def", "abc", "def"]);
    // Lower bound only: four waits of 25 ms (plus the reasoning delta) cannot finish faster.
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 25 - 5);
  });

  test("stream:false returns the final response object as JSON", async () => {
    const res = await postResponses(mock, auth, codexBody([userMessage("hi")], { stream: false }));
    expect(res.status).toBe(200);
    expect(rec(await res.json())).toMatchObject({ status: "completed", object: "response" });
  });

  test("costPercent grows usage per completed response until the account is exhausted", async () => {
    mock.addAccount({ id: "acct-3", costPercent: 50, secondary: { usedPercent: 0 } });
    const a3 = mock.authFile("acct-3");
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postResponses(mock, a3, codexBody([userMessage("hi")]));
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    const s = mock.accounts().find((a) => a.id === "acct-3");
    expect(s?.primary.usedPercent).toBe(100);
    expect(s?.secondary?.usedPercent).toBe(10);
  });

  test("rates with a seed: a load run sees the configured mix of 429s and 5xx", async () => {
    mock.setOptions({ rates: { error: 0.3, quota: 0.2, seed: 42 } });
    const run = async () => {
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await postResponses(mock, auth, codexBody([userMessage("hi")]));
        out.push(res.status);
        await res.text();
      }
      return out;
    };
    const first = await run();
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(2);
    expect(first.filter((s) => s >= 500).length).toBeGreaterThan(2);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(10);
    mock.setOptions({ rates: { error: 0.3, quota: 0.2, seed: 42 } });
    expect(await run()).toEqual(first);
    expect(mock.accounts()[0]?.exhausted).toBe(false);
  });

  test("a client abort mid-stream stops the stream and frees its timer", async () => {
    mock.setOptions({ stream: { chunks: 200, chunkSize: 5, chunkDelayMs: 50 } });
    const ctl = new AbortController();
    const res = await postResponses(mock, auth, codexBody([userMessage("hi")]), { signal: ctl.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    ctl.abort();
    await reader?.cancel().catch(() => {});
    const active = async () => rec(await (await fetch(`${mock.url}/__mock/state`)).json()).activeStreams;
    for (let i = 0; i < 40 && (await active()) !== 0; i++) await Bun.sleep(25);
    expect(await active()).toBe(0);
    expect(mock.accounts()[0]?.counters.completed).toBe(0);
  });
});

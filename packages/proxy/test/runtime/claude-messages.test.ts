import { describe, expect, test } from "bun:test";
import { decodeSignature } from "../../src/anthropic/signature.ts";
import { estimateTokens } from "../../src/anthropic/count-tokens.ts";
import { AnthropicRequest } from "../../src/anthropic/types.ts";
import { ownerTag } from "../../src/routes/anthropic-owner.ts";
import { frames, summarize, toolRoundTrip } from "../helpers/anthropic-stream.ts";
import { claudeHeaders, messagesBody, postMessages, served, upstreamBodies } from "../helpers/claude-client.ts";
import { TWO_ACCOUNTS, usePoolFixtures } from "../helpers/pool-fixture.ts";

// Claude Code's Anthropic routes against the mock ChatGPT backend, through the real proxy.

const openPool = usePoolFixtures();

const two = TWO_ACCOUNTS;

type Message = {
  type: string;
  content: {
    type: string;
    text?: string;
    thinking?: string;
    signature?: string;
    id?: string;
    name?: string;
    input?: unknown;
  }[];
  stop_reason: string;
  model: string;
};

describe("Claude Code's routes", () => {
  test("HEAD / and GET / answer the preconnect without a key; /v1 needs the per-launch token", async () => {
    const f = await openPool(two);
    expect((await fetch(`${f.proxy.url}/`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${f.proxy.url}/`)).status).toBe(200);
    const none = await postMessages(f, messagesBody("say hi"), { key: null });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    expect((await postMessages(f, messagesBody("say hi"), { key: "wrong-token" })).status).toBe(401);
    expect((await fetch(`${f.proxy.url}/v1/models`)).status).toBe(401);
    expect((await postMessages(f, messagesBody("say hi", { stream: false }), { bearer: true })).status).toBe(200);
    expect(served(f)).toEqual(["acct-a:200"]);
  });

  test("a text answer streams as Anthropic SSE with event lines, from the mapped model", async () => {
    const f = await openPool(two);
    const res = await postMessages(f, messagesBody("say hi"), { session: "sess-text" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const list = frames(text);
    const s = summarize(list);
    expect(s.events[0]).toBe("message_start");
    expect(s.events.at(-1)).toBe("message_stop");
    expect(s.stopReason).toBe("end_turn");
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("hi from mock");
    expect((list[0]?.data.message as { model: string } | undefined)?.model).toBe("claude-opus-4-8");

    const [up] = f.mock.requests({ path: "/backend-api/codex/responses" });
    expect(up?.accountId).toBe("acct-a");
    const body = up?.body as Record<string, unknown>;
    expect(body.model).toBe("gpt-5");
    expect(body.stream).toBe(true);
    expect(body.instructions).toBe("You are Claude Code, in a test.");
    expect(body.prompt_cache_key).toBe("meta-session");
    // Claude Code's own headers and key stay on this side.
    const headers = up?.headers ?? {};
    for (const name of ["x-api-key", "anthropic-version", "anthropic-beta", "x-app", "x-stainless-retry-count"])
      expect(headers[name]).toBeUndefined();
    expect(headers["chatgpt-account-id"]).toBe("acct-a");
  });

  test("tool round trip: thinking is signed for its account and comes back to it as reasoning", async () => {
    const f = await openPool(two);
    const session = "sess-tool";
    const ask = { role: "user", content: [{ type: "text", text: "please use the tool" }] };
    const first = summarize(frames(await (await postMessages(f, messagesBody([ask]), { session })).text()));
    expect(first.stopReason).toBe("tool_use");
    const thinking = first.blocks.find((b) => b.type === "thinking");
    const tool = first.blocks.find((b) => b.type === "tool_use");
    expect(tool?.name).toBe("Bash");
    expect(JSON.parse(tool?.text ?? "{}")).toEqual({ command: "echo tool-ran", description: "Echo test" });
    const sig = decodeSignature(thinking?.signature);
    expect(sig?.owner).toBe(ownerTag("acct-a", "p1"));

    // Claude Code echoes thinking + tool_use and answers with the tool's output.
    const history = toolRoundTrip(ask, first, "tool-ran", { is_error: false });
    const second = summarize(frames(await (await postMessages(f, messagesBody(history), { session })).text()));
    expect(second.stopReason).toBe("end_turn");
    expect(second.blocks.find((b) => b.type === "text")?.text).toBe("tool said: tool-ran");

    expect(served(f)).toEqual(["acct-a:200", "acct-a:200"]);
    const input = upstreamBodies(f)[1]?.input as Record<string, unknown>[];
    expect(input.map((i) => i.type)).toEqual(["message", "reasoning", "function_call", "function_call_output"]);
    expect(input[1]?.encrypted_content).toBe(sig?.encrypted);
    expect(input[3]).toMatchObject({ call_id: tool?.id, output: "tool-ran" });
  });

  test("stream:false gets one JSON message", async () => {
    const f = await openPool(two);
    const res = await postMessages(f, messagesBody("say hi", { stream: false }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const msg = (await res.json()) as Message;
    expect(msg.type).toBe("message");
    expect(msg.model).toBe("claude-opus-4-8");
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.content.find((b) => b.type === "text")?.text).toBe("hi from mock");
    expect(decodeSignature(msg.content.find((b) => b.type === "thinking")?.signature)?.owner).toBe(
      ownerTag("acct-a", "p1"),
    );
  });

  test("count_tokens is a local estimate that never reaches upstream", async () => {
    const f = await openPool(two);
    const body = messagesBody("count these words, please");
    const res = await postMessages(f, body, { path: "/v1/messages/count_tokens?beta=true" });
    expect(res.status).toBe(200);
    const { input_tokens } = (await res.json()) as { input_tokens: number };
    expect(input_tokens).toBe(estimateTokens(AnthropicRequest.parse(body)));
    expect(input_tokens).toBeGreaterThan(10);
    expect(served(f)).toEqual([]);
  });

  test("models: the list, one model, and an unknown one", async () => {
    const f = await openPool(two, { claude: { models: { opus: "gpt-5-codex" } } });
    const headers = claudeHeaders(f);
    const list = (await (await fetch(`${f.proxy.url}/v1/models?limit=1000`, { headers })).json()) as {
      data: { id: string; display_name: string }[];
    };
    expect(list.data.map((m) => m.id)).toContain("claude-opus-4-8");
    expect(list.data.find((m) => m.id === "claude-opus-4-8")?.display_name).toContain("gpt-5-codex");
    const one = await fetch(`${f.proxy.url}/v1/models/claude-sonnet-4-5`, { headers });
    expect(((await one.json()) as { id: string }).id).toBe("claude-sonnet-4-5");
    const unknown = await fetch(`${f.proxy.url}/v1/models/llama-3`, { headers });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe("not_found_error");
  });

  test("configured model mapping reaches upstream", async () => {
    const f = await openPool(two, { claude: { models: { opus: "gpt-5-codex", haiku: "gpt-5-nano" } } });
    await (await postMessages(f, messagesBody("say hi"))).text();
    await (await postMessages(f, messagesBody("say hi", { model: "claude-haiku-4-5" }))).text();
    await (await postMessages(f, messagesBody("say hi", { model: "gpt-4.1" }))).text();
    expect(upstreamBodies(f).map((b) => b.model)).toEqual(["gpt-5-codex", "gpt-5-nano", "gpt-4.1"]);
  });

  test("untranslatable input is a 400 invalid_request_error in Anthropic shape, never forwarded", async () => {
    const f = await openPool(two);
    const cases: [unknown, RegExp][] = [
      ["{not json", /not JSON/],
      [{ model: "claude-opus-4-8" }, /messages/],
      [{ model: "claude-opus-4-8", messages: [{ role: "robot", content: "x" }] }, /messages\.0\.role/],
      [
        { model: "claude-opus-4-8", messages: [{ role: "user", content: [{ type: "tool_use", id: 5 }] }] },
        /messages\.0\.content/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await postMessages(f, body);
      expect(res.status).toBe(400);
      expect(res.headers.get("x-should-retry")).toBe("false");
      const json = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(json.type).toBe("error");
      expect(json.error.type).toBe("invalid_request_error");
      expect(json.error.message).toMatch(message);
    }
    expect(served(f)).toEqual([]);
  });

  test("a silent upstream gets ping events; the stream stays well formed", async () => {
    const f = await openPool(two, { claude: { pingMs: 40 } });
    f.mock.setOptions({ stream: { chunks: 3, chunkDelayMs: 150 } });
    const text = await (await postMessages(f, messagesBody("say hi"))).text();
    const list = frames(text);
    expect(list.some((x) => x.event === "ping")).toBe(true);
    const s = summarize(list.filter((x) => x.event !== "ping"));
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("hi from mock");
  });

  test("a client that goes away cancels the upstream stream", async () => {
    const f = await openPool(two);
    f.mock.setOptions({ stream: { chunks: 10, chunkDelayMs: 100 } });
    const controller = new AbortController();
    const res = await postMessages(f, messagesBody("say hi"), { signal: controller.signal });
    const reader = res.body?.getReader();
    const firstChunk = await reader?.read();
    expect(new TextDecoder().decode(firstChunk?.value)).toContain("message_start");
    controller.abort();
    await Bun.sleep(2_000); // the whole answer takes ~1 s when nobody cancels it
    const account = f.mock.accounts().find((a) => a.id === "acct-a");
    expect(account?.counters.requests).toBe(1);
    expect(account?.counters.completed).toBe(0);
  });
});

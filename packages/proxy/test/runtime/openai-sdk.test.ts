import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { served, upstreamBodies } from "../helpers/claude-client.ts";
import { type PoolFixture, TWO_ACCOUNTS, usePoolFixtures } from "../helpers/pool-fixture.ts";

// The official `openai` SDK (a client no one here wrote) against the proxy's OpenAI routes, on a
// mock pool: Responses streamed and not, Chat Completions streamed and not with a tool round
// trip, rotation before commit in each mode, and the model list.

const openPool = usePoolFixtures();

function sdk(f: PoolFixture): OpenAI {
  // No SDK retries: a rotation the test sees must be the proxy's, not a second request.
  return new OpenAI({ baseURL: f.proxy.openaiBaseUrl, apiKey: f.proxy.secret, maxRetries: 0 });
}

const WEATHER = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const TIME = {
  type: "function" as const,
  function: {
    name: "get_time",
    description: "Time in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("Responses through the openai SDK", () => {
  test("non-streamed: one Responses object assembled from the upstream stream", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const r = await sdk(f).responses.create({ model: "gpt-5", input: "say hi" });
    expect(r.object).toBe("response");
    expect(r.status).toBe("completed");
    expect(r.output_text).toBe("hi from mock");
    expect(r.output.map((o) => o.type)).toEqual(["message"]);
    expect(r.usage?.output_tokens).toBeGreaterThan(0);
    expect(r.usage?.input_tokens).toBeGreaterThan(0);
    // Upstream was streamed and never stored; the bare string input became one user message.
    const [body] = upstreamBodies(f);
    expect(body?.stream).toBe(true);
    expect(body?.store).toBe(false);
    expect(body?.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "say hi" }] }]);
  });

  test("streamed: the upstream events as they come", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const stream = await sdk(f).responses.create({ model: "gpt-5", input: "say hi", stream: true });
    const types: string[] = [];
    let text = "";
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "response.output_text.delta") text += e.delta;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toBe("hi from mock");
  });

  test("a 429 before commit moves the request to the next account, streamed or not", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    const r = await sdk(f).responses.create({ model: "gpt-5", input: "say hi" });
    expect(r.output_text).toBe("hi from mock");
    expect(served(f)).toEqual(["acct-a:429", "acct-b:200"]);

    const g = await openPool(TWO_ACCOUNTS);
    g.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    let text = "";
    for await (const e of await sdk(g).responses.create({ model: "gpt-5", input: "say hi", stream: true }))
      if (e.type === "response.output_text.delta") text += e.delta;
    expect(text).toBe("hi from mock");
    expect(served(g)).toEqual(["acct-a:429", "acct-b:200"]);
  });
});

describe("Chat Completions through the openai SDK", () => {
  test("non-streamed with a tool round trip", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const client = sdk(f);
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "use the tool for Paris" },
    ];
    const first = await client.chat.completions.create({ model: "gpt-5", messages, tools: [WEATHER] });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(first.usage?.prompt_tokens).toBeGreaterThan(0);
    messages.push(choice!.message, { role: "tool", tool_call_id: call.id, content: "sunny" });
    const second = await client.chat.completions.create({ model: "gpt-5", messages, tools: [WEATHER] });
    expect(second.object).toBe("chat.completion");
    expect(second.choices[0]?.message.content).toBe("tool said: sunny");
    expect(second.choices[0]?.finish_reason).toBe("stop");
    // The system message became the instructions; the call and its result went up paired; both
    // turns carry one conversation key, which keeps them on the account that served the first.
    const [firstBody, body] = upstreamBodies(f);
    expect(body?.prompt_cache_key).toBe(firstBody?.prompt_cache_key);
    expect(f.proxy.state.bindings.lookup("prompt_cache_key", String(body?.prompt_cache_key))).toBe("p1");
    expect(body?.instructions).toBe("You are terse.");
    expect(((body?.input ?? []) as { type: string }[]).map((i) => i.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
    ]);
  });

  test("streamed with parallel tool calls, their results, and usage", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const client = sdk(f);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "use parallel tools for Paris" }];
    const stream = await client.chat.completions.create({
      model: "gpt-5",
      messages,
      tools: [WEATHER, TIME],
      stream: true,
      stream_options: { include_usage: true },
    });
    const calls: { id: string; name: string; args: string }[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      for (const t of choice.delta.tool_calls ?? []) {
        const c = (calls[t.index] ??= { id: "", name: "", args: "" });
        c.id += t.id ?? "";
        c.name += t.function?.name ?? "";
        c.args += t.function?.arguments ?? "";
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(finish).toBe("tool_calls");
    expect(calls.map((c) => [c.name, JSON.parse(c.args)])).toEqual([
      ["get_weather", { which: "get_weather" }],
      ["get_time", { which: "get_time" }],
    ]);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.args } })),
    });
    messages.push(
      { role: "tool", tool_call_id: calls[0]!.id, content: "sunny" },
      { role: "tool", tool_call_id: calls[1]!.id, content: "noon" },
    );
    let text = "";
    for await (const chunk of await client.chat.completions.create({
      model: "gpt-5",
      messages,
      tools: [WEATHER, TIME],
      stream: true,
    }))
      text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("tool said: sunny; noon");
  });

  test("a 429 before commit moves the request to the next account, streamed or not", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    const r = await sdk(f).chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "say hi" }] });
    expect(r.choices[0]?.message.content).toBe("hi from mock");
    expect(served(f)).toEqual(["acct-a:429", "acct-b:200"]);

    const g = await openPool(TWO_ACCOUNTS);
    g.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    let text = "";
    for await (const chunk of await sdk(g).chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "say hi" }],
      stream: true,
    }))
      text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("hi from mock");
    expect(served(g)).toEqual(["acct-a:429", "acct-b:200"]);
  });

  test("response_format json_schema: the schema goes up as text.format and the answer parses", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, warm: { type: "boolean" } },
      required: ["city", "warm"],
      additionalProperties: false,
    };
    const r = await sdk(f).chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "describe Paris" }],
      response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
      reasoning_effort: "low",
    });
    expect(JSON.parse(r.choices[0]?.message.content ?? "")).toEqual({ city: "mock", warm: true });
    const body = upstreamBodies(f)[0];
    expect(body?.text).toEqual({ format: { type: "json_schema", name: "city", schema, strict: true } });
    expect(body?.reasoning).toEqual({ effort: "low" });
  });
});

describe("affinity", () => {
  test("a Chat Completions conversation stays on the account that served its first turn", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const client = sdk(f);
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "system", content: "Be terse." },
      { role: "user", content: "say hi" },
    ];
    const first = await client.chat.completions.create({ model: "gpt-5", messages });
    // New work now goes to p2; the conversation's next turn still goes home to p1.
    f.proxy.state.pool.pin("p2");
    messages.push(first.choices[0]!.message, { role: "user", content: "again" });
    await client.chat.completions.create({ model: "gpt-5", messages });
    await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "a new conversation" }],
    });
    expect(served(f)).toEqual(["acct-a:200", "acct-a:200", "acct-b:200"]);
  });
});

describe("after the commit point", () => {
  test("a failure mid-answer: the streamed chunks end in an error the SDK throws; a non-streamed answer is a 502", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.fault(
      "acct-a",
      { kind: "error_after_commit", afterEvents: 5 },
      { kind: "error_after_commit", afterEvents: 5 },
    );
    const client = sdk(f);
    let text = "";
    const broken = await (async () => {
      for await (const chunk of await client.chat.completions.create({
        model: "gpt-5",
        messages: [{ role: "user", content: "say hi" }],
        stream: true,
      }))
        text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    const whole = await client.responses.create({ model: "gpt-5", input: "say hi" }).catch((e: unknown) => e);
    expect(whole).toBeInstanceOf(OpenAI.APIError);
    expect((whole as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    // Nothing moves after commit: both stayed on the account that started answering.
    expect(served(f)).toEqual(["acct-a:200", "acct-a:200"]);
  });

  test("a stream dropped mid-answer is an error, never a silent short answer", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.fault("acct-a", { kind: "drop_after_events", events: 8 });
    let text = "";
    const broken = await (async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "say hi" }];
      for await (const chunk of await sdk(f).chat.completions.create({ model: "gpt-5", messages, stream: true })) {
        text += chunk.choices[0]?.delta.content ?? "";
      }
    })().catch((e: unknown) => e);
    // Usually the drop comes after the commit point: the client sees an error. When the reset
    // overtakes the held bytes (a loaded machine), nothing reached the client yet and the request
    // moved on: then the answer is whole. A short answer that ends as if complete is never right.
    if (broken === undefined) {
      expect(text).toBe("hi from mock");
      expect(served(f)).toEqual(["acct-a:200", "acct-b:200"]);
    } else {
      expect(broken).toBeInstanceOf(Error);
      expect(served(f)).toEqual(["acct-a:200"]);
    }
  });
});

describe("errors and models through the openai SDK", () => {
  test("models.list(): the pool's catalog in the OpenAI list shape", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const ids: string[] = [];
    for await (const m of sdk(f).models.list()) {
      expect(m.object).toBe("model");
      ids.push(m.id);
    }
    expect(ids).toEqual(["gpt-5", "gpt-5-codex"]);
    expect((await sdk(f).models.retrieve("gpt-5")).id).toBe("gpt-5");
  });

  test("models.list() with the whole pool out of quota: the last catalog read", async () => {
    const f = await openPool(TWO_ACCOUNTS, { openai: { modelsTtlMs: 0 } });
    const client = sdk(f);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["gpt-5", "gpt-5-codex"]);
    f.mock.exhaust("acct-a", 600);
    f.mock.exhaust("acct-b", 600);
    const refused = await client.chat.completions
      .create({ model: "gpt-5", messages: [{ role: "user", content: "say hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const before = f.mock.requests({ path: "/backend-api/codex/models" }).length;
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["gpt-5", "gpt-5-codex"]);
    // No account was asked: every one is out until its reset.
    expect(f.mock.requests({ path: "/backend-api/codex/models" }).length).toBe(before);
  });

  test("the whole pool exhausted: a 429 RateLimitError with retry-after from the earliest reset", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
      { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 300 } },
    ]);
    const error = await sdk(f)
      .chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "say hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.type).toBe("rate_limit_error");
    const retryAfter = Number(e.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(250);
    // Reset times are whole seconds on both sides: the earliest (300 s) may round up by one.
    expect(retryAfter).toBeLessThanOrEqual(301);
    // A retry cannot help before the reset: the SDK is told not to spend its retries.
    expect(e.headers?.get("x-should-retry")).toBe("false");
  });

  test("bad input: wrong types are one 400, n > 1 is refused by name, unknown fields are ignored", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const client = sdk(f);
    const wrong = await client.chat.completions
      .create({ model: "gpt-5", messages: "hi" as never })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((wrong as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages");
    const many = await client.chat.completions
      .create({ model: "gpt-5", messages: [{ role: "user", content: "hi" }], n: 2 })
      .catch((e: unknown) => e);
    expect(many).toBeInstanceOf(OpenAI.BadRequestError);
    expect((many as Error).message).toContain("n=2 is not supported");
    const extra = await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "say hi" }],
      some_future_field: { x: 1 },
    } as never);
    expect((extra as OpenAI.ChatCompletion).choices[0]?.message.content).toBe("hi from mock");
    expect(served(f)).toEqual(["acct-a:200"]);
  });

  test("a wrong key is a 401 AuthenticationError", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const client = new OpenAI({ baseURL: f.proxy.openaiBaseUrl, apiKey: "not-the-secret", maxRetries: 0 });
    const error = await client.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(served(f)).toEqual([]);
  });
});

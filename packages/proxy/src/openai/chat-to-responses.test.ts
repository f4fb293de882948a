import { describe, expect, test } from "bun:test";
import { chatToResponses } from "./chat-to-responses.ts";

const user = (content: unknown) => ({ role: "user", content });
const req = (extra: Record<string, unknown> = {}) => ({ model: "gpt-5", messages: [user("hi")], ...extra });
const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

function ok(input: unknown, accepts?: Parameters<typeof chatToResponses>[1]) {
  const r = chatToResponses(input, accepts);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

describe("chatToResponses: messages", () => {
  test("system and developer first → instructions; later ones stay developer messages in place", () => {
    const r = ok({
      model: "gpt-5",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "developer", content: [{ type: "text", text: "Use metric." }] },
        user("hi"),
        { role: "system", content: "Now French." },
      ],
    });
    expect(r.body.instructions).toBe("Be terse.\n\nUse metric.");
    expect(r.body.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Now French." }] },
    ]);
  });

  test("user parts: text and images (string or object url); audio dropped with a note", () => {
    const r = ok(
      req({
        messages: [
          user([
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AA", detail: "high" } },
            { type: "image_url", image_url: "https://x/y.png" },
            { type: "input_audio", input_audio: {} },
          ]),
        ],
      }),
    );
    expect(r.body.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_image", image_url: "data:image/png;base64,AA", detail: "auto" },
          { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
        ],
      },
    ]);
    expect(r.notes).toEqual(["input_audio part dropped (not translated)"]);
  });

  test("assistant text, parallel tool calls and their results (tool messages) in order", () => {
    const r = ok(
      req({
        messages: [
          user("weather and time?"),
          {
            role: "assistant",
            content: "Checking.",
            tool_calls: [
              { id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "c2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "sunny" },
          { role: "tool", tool_call_id: "c2", content: [{ type: "text", text: "noon" }] },
        ],
      }),
    );
    expect(r.body.input.slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
      { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "function_call", call_id: "c2", name: "get_time", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "sunny" },
      { type: "function_call_output", call_id: "c2", output: "noon" },
    ]);
  });

  test("an assistant refusal in the history is kept as what it said", () => {
    const r = ok(req({ messages: [user("x"), { role: "assistant", content: null, refusal: "I can't." }, user("ok")] }));
    expect(r.body.input[1]).toEqual({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "I can't." }],
    });
  });
});

describe("chatToResponses: options", () => {
  const cases: { name: string; extra: Record<string, unknown>; want: Record<string, unknown>; notes?: string[] }[] = [
    {
      name: "defaults",
      extra: {},
      want: { tools: [], tool_choice: "auto", parallel_tool_calls: true, reasoning: {}, store: false, stream: true },
    },
    {
      name: "tools: function tools with strict; a custom tool dropped",
      extra: {
        tools: [
          { ...weather, function: { ...weather.function, strict: true } },
          { type: "custom", custom: { name: "x" } },
        ],
      },
      want: {
        tools: [
          {
            type: "function",
            name: "get_weather",
            description: "Weather",
            parameters: weather.function.parameters,
            strict: true,
          },
        ],
      },
      notes: ["custom tool dropped (only function tools are translated)"],
    },
    {
      name: "a tool without parameters gets an empty object schema",
      extra: { tools: [{ type: "function", function: { name: "ping" } }] },
      want: {
        tools: [
          {
            type: "function",
            name: "ping",
            description: "",
            parameters: { type: "object", properties: {} },
            strict: false,
          },
        ],
      },
    },
    { name: "tool_choice required", extra: { tool_choice: "required" }, want: { tool_choice: "required" } },
    { name: "tool_choice none", extra: { tool_choice: "none" }, want: { tool_choice: "none" } },
    {
      name: "tool_choice a named function",
      extra: { tool_choice: { type: "function", function: { name: "get_weather" } } },
      want: { tool_choice: { type: "function", name: "get_weather" } },
    },
    {
      name: "tool_choice allowed_tools: the model chooses",
      extra: { tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } },
      want: { tool_choice: "auto" },
      notes: ["tool_choice allowed_tools sent as auto (not translated)"],
    },
    { name: "parallel_tool_calls false", extra: { parallel_tool_calls: false }, want: { parallel_tool_calls: false } },
    {
      name: "response_format json_schema → text.format",
      extra: {
        response_format: {
          type: "json_schema",
          json_schema: { name: "city", description: "A city", schema: { type: "object" }, strict: true },
        },
      },
      want: {
        text: {
          format: {
            type: "json_schema",
            name: "city",
            description: "A city",
            schema: { type: "object" },
            strict: true,
          },
        },
      },
    },
    {
      name: "response_format json_object",
      extra: { response_format: { type: "json_object" } },
      want: { text: { format: { type: "json_object" } } },
    },
    {
      name: "response_format text: nothing to say",
      extra: { response_format: { type: "text" } },
      want: { text: undefined },
    },
    { name: "reasoning_effort", extra: { reasoning_effort: "high" }, want: { reasoning: { effort: "high" } } },
    {
      name: "prompt_cache_key goes up (it keeps the conversation on one account)",
      extra: { prompt_cache_key: "conv-1" },
      want: { prompt_cache_key: "conv-1" },
    },
    {
      name: "max tokens and sampling: dropped for the ChatGPT backend, with notes",
      extra: { max_completion_tokens: 100, temperature: 0.2, top_p: 0.9, stop: ["\n"] },
      want: { max_output_tokens: undefined, temperature: undefined, top_p: undefined },
      notes: [
        "max_output_tokens dropped (not accepted upstream)",
        "temperature dropped (not accepted upstream)",
        "top_p dropped (not accepted upstream)",
        "stop dropped (not supported upstream)",
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = ok(req(c.extra));
      for (const [k, v] of Object.entries(c.want)) expect((r.body as Record<string, unknown>)[k]).toEqual(v);
      expect(r.notes).toEqual(c.notes ?? []);
    });
  }

  test("an upstream that accepts them gets max tokens (max_completion_tokens over max_tokens) and sampling", () => {
    const r = ok(req({ max_tokens: 50, max_completion_tokens: 100, temperature: 0.2, top_p: 0.9 }), {
      maxOutputTokens: true,
      sampling: true,
    });
    expect([r.body.max_output_tokens, r.body.temperature, r.body.top_p]).toEqual([100, 0.2, 0.9]);
  });

  test("stream and include_usage", () => {
    expect([ok(req()).stream, ok(req()).includeUsage]).toEqual([false, false]);
    const r = ok(req({ stream: true, stream_options: { include_usage: true } }));
    expect([r.stream, r.includeUsage, r.model]).toEqual([true, true, "gpt-5"]);
  });
});

describe("chatToResponses: refusals", () => {
  const cases: { name: string; input: unknown; where: string; says: string }[] = [
    {
      name: "messages not an array",
      input: { model: "gpt-5", messages: "hi" },
      where: "messages",
      says: "Invalid Chat Completions request at messages",
    },
    { name: "no messages", input: { model: "gpt-5", messages: [] }, where: "messages", says: "at least one message" },
    { name: "no model", input: { messages: [user("hi")] }, where: "model", says: "at model" },
    {
      name: "unknown role",
      input: req({ messages: [{ role: "robot", content: "x" }] }),
      where: "messages.0.role",
      says: "at messages.0.role",
    },
    {
      name: "tool message without its call id",
      input: req({ messages: [{ role: "tool", content: "x" }] }),
      where: "messages.0.tool_call_id",
      says: "tool_call_id",
    },
    {
      name: "temperature of the wrong type",
      input: req({ temperature: "hot" }),
      where: "temperature",
      says: "at temperature",
    },
    {
      name: "n > 1",
      input: req({ n: 3 }),
      where: "n",
      says: "n=3 is not supported: prodex answers one choice per request",
    },
    { name: "not an object", input: "hello", where: "(body)", says: "Invalid Chat Completions request at (body)" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = chatToResponses(c.input);
      if (r.ok) throw new Error("expected a refusal");
      expect(r.error.where).toBe(c.where);
      expect(r.error.message).toContain(c.says);
    });
  }

  test("unknown fields are ignored", () => {
    expect(chatToResponses(req({ logit_bias: { 1: 2 }, seed: 3, metadata: { a: "b" }, future: true })).ok).toBe(true);
  });
});

describe("chatToResponses: the conversation's prompt cache key", () => {
  const key = (messages: unknown[], extra: Record<string, unknown> = {}) =>
    ok({ model: "gpt-5", messages, ...extra }).body.prompt_cache_key;
  const sys = { role: "system", content: "Be terse." };
  const turn1 = [sys, user("plan the trip")];
  const turn2 = [...turn1, { role: "assistant", content: "Where to?" }, user("Paris")];

  test("every turn of one conversation carries the same key", () => {
    expect(key(turn1)).toMatch(/^chat-[A-Za-z0-9_-]{32}$/);
    expect(key(turn2)).toBe(key(turn1));
  });

  test("another start is another conversation", () => {
    expect(key([sys, user("plan a party")])).not.toBe(key(turn1));
    expect(key([{ role: "system", content: "Be verbose." }, user("plan the trip")])).not.toBe(key(turn1));
    expect(key(turn1, { model: "gpt-5-codex" })).not.toBe(key(turn1));
  });

  test("the client's own prompt_cache_key wins", () => {
    expect(key(turn2, { prompt_cache_key: "mine" })).toBe("mine");
  });
});

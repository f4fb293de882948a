import { describe, expect, test } from "bun:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, isStepCount, jsonSchema, streamText, tool } from "ai";
import { served, upstreamBodies } from "../helpers/claude-client.ts";
import { type PoolFixture, TWO_ACCOUNTS, usePoolFixtures } from "../helpers/pool-fixture.ts";

// A well-known Chat Completions consumer no one here wrote: the Vercel AI SDK's OpenAI-compatible
// provider, running its own tool loop (call → execute → result → answer) through the pool.

const openPool = usePoolFixtures();

function model(f: PoolFixture) {
  return createOpenAICompatible({
    name: "prodex",
    baseURL: f.proxy.openaiBaseUrl,
    apiKey: f.proxy.secret,
    includeUsage: true,
  }).chatModel("gpt-5");
}

const ran: string[] = [];
const weather = tool({
  description: "Weather in a city",
  inputSchema: jsonSchema<{ city?: string }>({ type: "object", properties: { city: { type: "string" } } }),
  execute: async () => {
    ran.push("get_weather");
    return "sunny";
  },
});

describe("Vercel AI SDK (@ai-sdk/openai-compatible) through the pool", () => {
  test("generateText runs a tool round trip, rotating past a 429 first", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    ran.length = 0;
    const r = await generateText({
      model: model(f),
      prompt: "use the tool for Paris",
      tools: { get_weather: weather },
      stopWhen: isStepCount(3),
      maxRetries: 0,
    });
    expect(ran).toEqual(["get_weather"]);
    expect(r.text).toBe("tool said: sunny");
    expect(r.steps.length).toBe(2);
    expect(r.totalUsage.outputTokens).toBeGreaterThan(0);
    expect(served(f)).toEqual(["acct-a:429", "acct-b:200", "acct-b:200"]);
    const second = upstreamBodies(f)[2];
    expect(((second?.input ?? []) as { type: string }[]).map((i) => i.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
    ]);
  });

  test("streamText streams the answer and its usage", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const r = streamText({ model: model(f), prompt: "say hi", maxRetries: 0 });
    let text = "";
    for await (const delta of r.textStream) text += delta;
    expect(text).toBe("hi from mock");
    expect((await r.usage).outputTokens).toBeGreaterThan(0);
    expect(await r.finishReason).toBe("stop");
  });
});

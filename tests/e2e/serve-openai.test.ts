import { afterEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { serveSchema } from "../../apps/cli/src/output/schemas/serve.ts";
import { type CliEnv, cliEnv } from "@prodex/testkit/cli-env";
import { type Running, startProdex } from "@prodex/testkit/long-running";

// What the new user did: `prodex serve --json`, then the official `openai` SDK pointed at
// `openai.baseUrl` with `openai.apiKey`, on a pool whose first account is out of quota.

let world: CliEnv | null = null;
let serving: Running | null = null;
afterEach(async () => {
  serving?.proc.kill("SIGKILL");
  await serving?.exit();
  serving = null;
  await world?.close();
  world = null;
});

describe("prodex serve for OpenAI clients", () => {
  test("the SDK on openai.baseUrl: Responses (not streamed), Chat Completions (streamed) and models, rotating past an exhausted account", async () => {
    world = await cliEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    serving = startProdex(["serve", "--json"], world.env);
    const info = serveSchema.parse(JSON.parse(await serving.firstLine));
    expect(info.openai.baseUrl).toBe(`${info.url}/openai/v1`);
    expect(info.openai.chatCompletionsUrl).toBe(`${info.openai.baseUrl}/chat/completions`);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });

    const client = new OpenAI({ baseURL: info.openai.baseUrl, apiKey: info.openai.apiKey, maxRetries: 0 });
    const response = await client.responses.create({ model: "gpt-5", input: "say hi" });
    expect(response.output_text).toBe("hi from mock");

    let text = "";
    const stream = await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "say hi" }],
      stream: true,
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("hi from mock");

    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["gpt-5", "gpt-5-codex"]);
    const served = world.mock
      .requests({ path: "/backend-api/codex/responses" })
      .map((r) => `${r.accountId}:${r.status}`);
    expect(served).toEqual(["acct-a:429", "acct-b:200", "acct-b:200"]);

    // The secret is the key: without it, nothing.
    const keyless = new OpenAI({ baseURL: info.openai.baseUrl, apiKey: "wrong", maxRetries: 0 });
    expect(await keyless.models.list().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
  }, 60_000);
});

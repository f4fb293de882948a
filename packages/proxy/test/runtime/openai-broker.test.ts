import { afterEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type BrokerWorld, brokerWorld } from "../helpers/broker-world.ts";

// The OpenAI routes on the shared broker: each launch's lease secret is its API key, its
// --no-auto-rotate choice holds, and a released lease's key stops working.

let w: BrokerWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "say hi" }] });

describe("OpenAI routes on the broker", () => {
  test("a lease's secret is the key; a held lease's one exhausted account is a 429, a free lease rotates", async () => {
    w = await brokerWorld([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const held = await w.attach({ profile: "p1", autoRotate: false });
    const free = await w.attach({ profile: "p1", autoRotate: true });
    expect(held.openaiBaseUrl).toBe(`${held.url}/openai/v1`);
    const client = (lease: typeof held) =>
      new OpenAI({ baseURL: lease.openaiBaseUrl, apiKey: lease.secret, maxRetries: 0 });

    const limited = await ask(client(held)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const retryAfter = Number((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(1700);
    expect((await ask(client(free))).choices[0]?.message.content).toBe("hi from mock");
    const served = w.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId} ${q.status}`);
    expect(served).toEqual(["acct-a 429", "acct-b 200"]);

    await held.release();
    expect(await ask(client(held)).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    await free.release();
  }, 30_000);
});

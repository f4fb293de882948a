import { describe, expect, test } from "bun:test";
import { TWO_ACCOUNTS, eventTypes, postResponses, responsesBody, usePoolFixtures } from "../helpers/pool-fixture.ts";

const openPool = usePoolFixtures();

const two = TWO_ACCOUNTS;

describe("codex SSE through the proxy", () => {
  test("streams the answer with the serving account's credentials", async () => {
    const f = await openPool(two);
    const res = await postResponses(f, responsesBody());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(eventTypes(text)).toContain("response.completed");
    expect(text).toContain("hi from mock");
    const seen = f.mock.requests({ path: "/backend-api/codex/responses" });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.accountId).toBe("acct-a");
  });

  test("usage limit inside the first events of a 200 stream is rotated too", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "stream_failed_usage_limit" });
    const res = await postResponses(f, responsesBody());
    const text = await res.text();
    expect(eventTypes(text)).not.toContain("response.failed");
    expect(text).toContain("hi from mock");
  });

  test("an error after the commit point passes through unchanged", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "error_after_commit", afterEvents: 5 });
    const res = await postResponses(f, responsesBody());
    const types = eventTypes(await res.text());
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.failed");
    expect(f.mock.requests({ path: "/backend-api/codex/responses" })).toHaveLength(1);
  });

  test("5xx and connection resets before the first byte rotate", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "server_error", status: 502 });
    expect(await (await postResponses(f, responsesBody())).text()).toContain("hi from mock");
    f.proxy.state.pool.reload();
  });

  test("every account exhausted: Codex gets a usage-limit 429 naming the earliest reset", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
      { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 300 } },
    ]);
    const res = await postResponses(f, responsesBody());
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { type: string; resets_at?: number } };
    expect(body.error.type).toBe("usage_limit_reached");
  });

  test("requests without the per-launch secret get 401", async () => {
    const f = await openPool(two);
    const res = await fetch(`${f.proxy.url}/s/wrong-path-id/backend-api/codex/responses`, {
      method: "POST",
      headers: f.proxy.codexHeaders,
      body: "{}",
    });
    expect(res.status).toBe(401);
    // The right path id without the launch header: what another user reading Codex's arguments has.
    const named = await fetch(`${f.proxy.codexBaseUrl}/responses`, {
      method: "POST",
      body: JSON.stringify(responsesBody()),
    });
    expect(named.status).toBe(401);
    expect(await named.text()).toContain("x-prodex-key");
    expect(f.mock.requests()).toHaveLength(0);
    const bare = await fetch(`${f.proxy.url}/backend-api/codex/responses`, { method: "POST", body: "{}" });
    // No secret segment at all is the same refusal as a wrong one.
    expect(bare.status).toBe(401);
  });

  test("browser-style requests are refused", async () => {
    const f = await openPool(two);
    const res = await fetch(`${f.proxy.codexBaseUrl}/models`, {
      headers: { ...f.proxy.codexHeaders, origin: "http://evil.example" },
    });
    expect(res.status).toBe(403);
  });
});

// Which account serves after a failure, how long it rests and when the loop waits: the unit tables in
// src/rotation (rotate.test.ts, decide.test.ts) and, over both transports, runtime/transport-parity.test.ts.
describe("resting accounts", () => {
  test("an account under a usage-limit backoff gets no traffic, even for its own conversations", async () => {
    const f = await openPool(two);
    await (await postResponses(f, responsesBody("hi", { prompt_cache_key: "k1" }), { "session-id": "s1" })).text();
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    await (await postResponses(f, responsesBody("new", { prompt_cache_key: "k2" }))).text();
    // Older usage headers (an answer that began before the limit) must not revive it.
    f.proxy.state.pool.observe("p1", [
      { label: "5h", usedPercent: 20, windowSeconds: 18_000, resetAt: Date.now() + 3_600_000, limit: "codex" },
    ]);
    await (await postResponses(f, responsesBody("more", { prompt_cache_key: "k1" }), { "session-id": "s1" })).text();
    expect(f.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => `${r.accountId}:${r.status}`)).toEqual([
      "acct-a:200",
      "acct-a:429",
      "acct-b:200",
      "acct-b:200",
    ]);
  });
});

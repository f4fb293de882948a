import { describe, expect, test } from "bun:test";
import type { PoolEvent } from "@prodex/core";
import { messagesBody, postMessages, served } from "../helpers/claude-client.ts";
import { type PoolFixture, TWO_ACCOUNTS, usePoolFixtures } from "../helpers/pool-fixture.ts";

// What Claude Code 2.1.332 adds, through the real proxy against the mock: cache_touch, the
// request class, the unified rate-limit headers, new betas and body fields (docs/claude-code.md).

const openPool = usePoolFixtures();

// New in 2.1.332 (read off the binary), beside ones 2.1.197 sent already.
const BETAS_2_1_332 = [
  "claude-code-20250219",
  "interleaved-thinking-2025-05-14",
  "context-management-2025-06-27",
  "cache-keepalive-2026-09-03",
  "inline-tools-2026-09-15",
  "per-turn-control-2026-07-01",
  "timing-2026-09-09",
  "thinking-resumption-2026-07-17",
  "request-tags-2026-08-21",
  "tool-provenance-2026-10-26",
  "claude-code-side-query-2026-09-29",
].join(",");

function watch(f: PoolFixture): PoolEvent[] {
  const seen: PoolEvent[] = [];
  f.ctx.events.subscribe((e) => seen.push(e));
  return seen;
}

const touch = (f: PoolFixture, body: unknown, key: string | null = f.proxy.secret) =>
  fetch(`${f.proxy.url}/v1/messages/cache_touch?beta=true`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "anthropic-beta": BETAS_2_1_332,
      ...(key ? { "x-api-key": key } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("Claude Code 2.1.332 through the proxy", () => {
  test("cache_touch is answered at once and locally: no upstream call, no rotation, no event", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const events = watch(f);
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const res = await touch(f, { request_id: `req_${i}` });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: "cache_touch", request_id: `req_${i}` });
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(f.mock.requests().filter((r) => !r.path.startsWith("/__mock"))).toEqual([]);
    expect(events).toEqual([]);
    expect(f.proxy.state.pool.snapshot().profiles.map((p) => p.requests)).toEqual([0, 0]);
  });

  test("cache_touch: a bad body is one clear 400, a missing key a 401", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const bad = await touch(f, "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string; message: string } }).error).toEqual({
      type: "invalid_request_error",
      message: 'cache_touch: the body is not JSON; send {"request_id": "…"}.',
    });
    expect((await touch(f, { nope: 1 })).status).toBe(400);
    expect((await touch(f, { request_id: "r" }, null)).status).toBe(401);
  });

  test("unknown betas, headers and body fields are ignored, not refused", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const body = messagesBody("say hi", {
      stream: false,
      tags: ["cli"],
      billing_group: "team-a",
      context_management: {
        edits: [{ type: "clear_tool_uses_20250919" }, { type: "clear_thinking_20251015", keep: "all" }],
      },
      speed: "fast",
      inference_geo: "us",
      some_field_from_2027: { nested: true },
    });
    const res = await fetch(`${f.proxy.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": BETAS_2_1_332,
        "x-api-key": f.proxy.secret,
        "x-claude-code-request-class": "main",
        "x-claude-code-agent-type": "main",
        "anthropic-client-version": "2.1.332",
        "x-claude-code-prompt-id": "p-1",
      },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(
      ((await res.json()) as { content: { text?: string }[] }).content.some((b) => b.text === "hi from mock"),
    ).toBe(true);
  });

  test("auxiliary requests and side replies follow the conversation's owner but never bind it", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const post = (session: string, cls?: string) =>
      fetch(`${f.proxy.url}/v1/messages?beta=true`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "anthropic-version": "2023-06-01",
          "x-api-key": f.proxy.secret,
          "x-claude-code-session-id": session,
          ...(cls ? { "x-claude-code-request-class": cls } : {}),
        },
        body: JSON.stringify(messagesBody("say hi", { stream: false }, session)),
      });
    for (const cls of ["auxiliary", "side_reply", "AUXILIARY"]) {
      expect((await post(`s-${cls}`, cls)).status).toBe(200);
      expect(f.proxy.state.bindings.lookup("claude_session", `s-${cls}`)).toBeNull();
      expect(f.proxy.state.bindings.lookup("prompt_cache_key", `s-${cls}`)).toBeNull();
    }
    for (const cls of ["main", "subagent", "compaction", undefined]) {
      expect((await post(`s-${cls}`, cls)).status).toBe(200);
      expect(f.proxy.state.bindings.lookup("claude_session", `s-${cls}`)).toBe("p1");
    }
    // A bound conversation on p2: its auxiliary request goes there too, and does not rebind it.
    f.proxy.state.bindings.bind("claude_session", "s-owned", "p2");
    expect((await post("s-owned", "auxiliary")).status).toBe(200);
    expect(served(f).at(-1)).toBe("acct-b:200");
    expect(f.proxy.state.bindings.lookup("claude_session", "s-owned")).toBe("p2");
  });

  test("the unified rate-limit headers show the pool's room, not the serving account's", async () => {
    // acct-a owns the conversation and is nearly spent; acct-b has room.
    const f = await openPool([
      {
        id: "acct-a",
        primary: { usedPercent: 95, resetAfterSeconds: 3_000 },
        secondary: { usedPercent: 60, resetAfterSeconds: 200_000 },
      },
      {
        id: "acct-b",
        primary: { usedPercent: 20, resetAfterSeconds: 9_000 },
        secondary: { usedPercent: 30, resetAfterSeconds: 400_000 },
      },
    ]);
    f.proxy.state.bindings.bind("claude_session", "s-home", "p1");
    // What the quota refresher would have read for acct-b.
    const now = Date.now();
    f.proxy.state.pool.observe("p2", [
      { label: "5h", usedPercent: 20, windowSeconds: 18_000, resetAt: now + 9_000_000, limit: "codex" },
      { label: "weekly", usedPercent: 30, windowSeconds: 604_800, resetAt: now + 400_000_000, limit: "codex" },
    ]);
    const started = Math.floor(now / 1000);
    const res = await postMessages(f, messagesBody("say hi"), { session: "s-home" });
    expect(res.status).toBe(200);
    await res.text();
    expect(served(f)).toEqual(["acct-a:200"]);
    const h = (name: string) => res.headers.get(`anthropic-ratelimit-unified-${name}`);
    expect([h("status"), h("5h-utilization"), h("7d-utilization"), h("representative-claim")]).toEqual([
      "allowed",
      "0.2",
      "0.3",
      "seven_day",
    ]);
    expect(Number(h("5h-reset")) - started).toBeGreaterThanOrEqual(8_990);
    expect(Number(h("7d-reset")) - started).toBeGreaterThanOrEqual(399_990);
    expect(h("reset")).toBe(h("7d-reset"));
    for (const gone of ["overage-status", "fallback", "slow-status", "5h-surpassed-threshold"])
      expect(h(gone)).toBeNull();
  });

  test("every account out: the 429 says rejected, with the earliest reset", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
      { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 1_200 } },
    ]);
    const started = Math.floor(Date.now() / 1000);
    const res = await postMessages(f, messagesBody("say hi", { stream: false }));
    expect(res.status).toBe(429);
    expect(res.headers.get("anthropic-ratelimit-unified-status")).toBe("rejected");
    expect(res.headers.get("anthropic-ratelimit-unified-representative-claim")).toBe("five_hour");
    const reset = Number(res.headers.get("anthropic-ratelimit-unified-reset")) - started;
    expect(reset).toBeGreaterThan(590);
    expect(reset).toBeLessThanOrEqual(601);
  });
});

import { describe, expect, test } from "bun:test";
import { ledgerTotals } from "@prodex/core";
import OpenAI from "openai";
import { postMessages, messagesBody } from "../helpers/claude-client.ts";
import { TWO_ACCOUNTS, postResponses, responsesBody, usePoolFixtures } from "../helpers/pool-fixture.ts";
import { WsClient, codexWsHeaders, proxyWsUrl, responseOf } from "../helpers/ws-client.ts";

// The usage ledger: one row per request that reached an account, written behind the request by the
// store writer, the same for every transport and client. The mock is the witness: what it served
// per account, and the usage its response.completed events carried, must be what the ledger says.

const openPool = usePoolFixtures();

type Usage = { input_tokens: number; output_tokens: number; output_tokens_details: { reasoning_tokens: number } };

function completedUsage(sse: string): Usage {
  const line = sse.split("\n").find((l) => l.startsWith("data: ") && l.includes('"response.completed"'));
  if (!line) throw new Error(`no response.completed in ${sse.slice(0, 200)}`);
  return (JSON.parse(line.slice(6)) as { response: { usage: Usage } }).response.usage;
}

describe("usage ledger", () => {
  test("every client and transport: one row per served request, totals equal what the mock served", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    // The first request meets a usage limit on acct-a and moves: its row counts one rotation.
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 3_600 });
    const seen: Usage[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postResponses(f, responsesBody(`http ${i}`, { model: i === 2 ? "gpt-5-codex" : "gpt-5" }));
      seen.push(completedUsage(await res.text()));
    }
    const ws = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
    try {
      for (let i = 0; i < 2; i++) {
        ws.create(responsesBody(`ws ${i}`));
        seen.push(responseOf(await ws.turn(15_000)).usage as Usage);
      }
    } finally {
      ws.close();
    }
    const claude = await postMessages(f, messagesBody("hello from claude"));
    expect(claude.status).toBe(200);
    await claude.text();
    const openai = new OpenAI({ baseURL: f.proxy.openaiBaseUrl, apiKey: f.proxy.secret, maxRetries: 0 });
    const chat = await openai.chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] });
    expect(chat.choices[0]?.message.content).toContain("hi from mock");

    await f.ctx.writes.settled();
    const rows = f.ctx.store.ledger.since(0);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(7);
    expect(rows.every((r) => r.outcome === "completed" && r.status === 200)).toBe(true);
    expect(rows.map((r) => r.client).sort()).toEqual(["claude", "codex", "codex", "codex", "codex", "codex", "openai"]);

    // Per account: the ledger's requests are the mock's completed answers.
    const mockCompleted = Object.fromEntries(
      f.mock.accounts().map((a) => [a.id === "acct-a" ? "p1" : "p2", a.counters.completed]),
    );
    const byProfile = Object.fromEntries(ledgerTotals(rows, "profile").map((t) => [t.group, t.requests]));
    expect(byProfile).toEqual(Object.fromEntries(Object.entries(mockCompleted).filter(([, n]) => n > 0)));
    expect(byProfile.p2).toBe(7);
    expect(ledgerTotals(rows, "all")[0]?.rotations).toBe(1);

    // Codex's own requests: the tokens are exactly what its response.completed events said.
    const codexRows = rows.filter((r) => r.client === "codex").sort((a, b) => a.at - b.at);
    expect(codexRows.map((r) => r.inputTokens)).toEqual(seen.map((u) => u.input_tokens));
    expect(codexRows.map((r) => r.outputTokens)).toEqual(seen.map((u) => u.output_tokens));
    expect(codexRows.map((r) => r.reasoningTokens)).toEqual(seen.map((u) => u.output_tokens_details.reasoning_tokens));
    expect(rows.every((r) => r.inputTokens > 0 && r.outputTokens > 0)).toBe(true);
    expect(ledgerTotals(rows, "model").find((t) => t.group === "gpt-5-codex")?.requests).toBe(1);
    for (const r of rows) {
      expect(r.caller).toBe("launch");
      expect(r.instance).toBe("test-proxy");
      expect(r.ttfbMs).not.toBeNull();
      expect(r.ttfbMs ?? 0).toBeLessThanOrEqual(r.durationMs);
    }
  }, 30_000);

  test("a batch offered twice is stored once (idempotent by request id)", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const res = await postResponses(f, responsesBody());
    await res.text();
    await f.ctx.writes.settled();
    const [row] = f.ctx.store.ledger.since(0);
    if (!row) throw new Error("no ledger row");
    f.ctx.store.ledger.record({ ...row, outputTokens: 999 });
    expect(f.ctx.store.ledger.since(0)).toEqual([row]);
  }, 30_000);

  test("a client that leaves mid-answer: recorded as aborted on the account it reached", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    f.mock.setOptions({ stream: { chunks: 10, chunkDelayMs: 300 } });
    const controller = new AbortController();
    const res = await postResponses(f, responsesBody(), {}, controller.signal);
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await reader?.cancel().catch(() => {});
    for (let i = 0; i < 50 && f.ctx.store.ledger.since(0).length === 0; i++) {
      await f.ctx.writes.settled();
      await Bun.sleep(20);
    }
    const rows = f.ctx.store.ledger.since(0);
    expect(rows.map((r) => [r.profile, r.outcome])).toEqual([["p1", "aborted"]]);
  }, 30_000);
});

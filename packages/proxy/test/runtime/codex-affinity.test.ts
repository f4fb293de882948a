import { describe, expect, test } from "bun:test";
import { type PoolFixture, postResponses, responsesBody, usePoolFixtures } from "../helpers/pool-fixture.ts";

const openPool = usePoolFixtures();

const served = (fx: PoolFixture) => fx.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.accountId);
const heavy = [
  { label: "5h" as const, usedPercent: 90, windowSeconds: 18_000, resetAt: Date.now() + 4 * 3_600_000, limit: "codex" },
];

describe("continuation affinity", () => {
  test("turn state keeps a turn on its account while another account is better", async () => {
    const f = await openPool(
      [
        { id: "acct-a", primary: { usedPercent: 10 } },
        { id: "acct-b", primary: { usedPercent: 10 } },
      ],
      { quotaRefresh: { intervalMs: 3_600_000, staleMs: 0 } },
    );
    const first = await postResponses(f, responsesBody("hi", { prompt_cache_key: "k1" }), { "session-id": "s1" });
    const turnState = first.headers.get("x-codex-turn-state");
    await first.text();
    expect(turnState).toBeTruthy();
    f.mock.setUsage("acct-a", { usedPercent: 90 });
    await f.proxy.refreshQuota();
    await (
      await postResponses(f, responsesBody("again", { prompt_cache_key: "k1" }), {
        "session-id": "s1",
        "x-codex-turn-state": turnState ?? "",
      })
    ).text();
    // A new conversation goes to the better account.
    await (await postResponses(f, responsesBody("new", { prompt_cache_key: "k2" }), { "session-id": "s2" })).text();
    expect(served(f)).toEqual(["acct-a", "acct-a", "acct-b"]);
  });

  test("session affinity survives a proxy-side preference change", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    await (await postResponses(f, responsesBody("hi", { prompt_cache_key: "k1" }), { "session-id": "s1" })).text();
    f.proxy.state.pool.observe("p1", heavy);
    await (await postResponses(f, responsesBody("more", { prompt_cache_key: "k1" }), { "session-id": "s1" })).text();
    expect(served(f)).toEqual(["acct-a", "acct-a"]);
  });

  test("an exhausted owner: a conversation with encrypted reasoning moves after dropping it", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    const body = responsesBody("hi", { prompt_cache_key: "k1", include: ["reasoning.encrypted_content"] });
    const text = await (await postResponses(f, body, { "session-id": "s1" })).text();
    const reasoning = text
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; item?: { type: string } })
      .find((e) => e.type === "response.output_item.done" && e.item?.type === "reasoning")?.item;
    expect(reasoning).toBeDefined();
    f.mock.exhaust("acct-a", 900);
    const next = responsesBody("continue", {
      prompt_cache_key: "k1",
      input: [
        ...(body.input as unknown[]),
        reasoning,
        { type: "message", role: "user", content: [{ type: "input_text", text: "continue" }] },
      ],
    });
    const res = await postResponses(f, next, { "session-id": "s1" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("hi from mock");
    const last = f.mock.requests({ path: "/backend-api/codex/responses" }).at(-1);
    expect(last?.accountId).toBe("acct-b");
    expect(JSON.stringify(last?.body)).not.toContain("encrypted_content");
  });

  test("after a move, later full-history requests keep working on the new account", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    const fx = f;
    const reasoningOf = (sse: string) =>
      sse
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => JSON.parse(l.slice(6)) as { type: string; item?: { type: string } })
        .find((e) => e.type === "response.output_item.done" && e.item?.type === "reasoning")?.item;
    const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
    const turn = async (input: unknown[]) => {
      const res = await postResponses(
        fx,
        responsesBody("x", { prompt_cache_key: "k1", include: ["reasoning.encrypted_content"], input }),
        { "session-id": "s1" },
      );
      expect(res.status).toBe(200);
      return res.text();
    };
    const history: unknown[] = [user("one")];
    history.push(reasoningOf(await turn(history)), user("two"));
    fx.mock.exhaust("acct-a", 900);
    history.push(reasoningOf(await turn(history)), user("three"));
    // Codex resends everything: acct-a's reasoning and acct-b's. Only acct-b's may go to acct-b.
    const third = await turn(history);
    expect(third).toContain("hi from mock");
    const calls = fx.mock
      .requests({ path: "/backend-api/codex/responses" })
      .filter((r) => r.status === 200)
      .map((r) => r.accountId);
    expect(calls).toEqual(["acct-a", "acct-b", "acct-b"]);
    const last = JSON.stringify(fx.mock.requests({ path: "/backend-api/codex/responses" }).at(-1)?.body);
    expect(last.match(/"encrypted_content":/g)?.length).toBe(1);
  });

  test("reasoning the account cannot read (owner unknown) is retried without it", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    // Reasoning made by acct-a outside this proxy (say, before prodex): nobody bound it.
    const a = f.mock.authFile("acct-a");
    const direct = await fetch(`${f.mock.baseUrl}/codex/responses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${a.tokens.access_token}`,
        "chatgpt-account-id": "acct-a",
        "content-type": "application/json",
      },
      body: JSON.stringify(responsesBody("hi", { include: ["reasoning.encrypted_content"] })),
    });
    const item = (await direct.text())
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; item?: { type: string } })
      .find((e) => e.type === "response.output_item.done" && e.item?.type === "reasoning")?.item;
    expect(item).toBeDefined();
    f.mock.exhaust("acct-a", 900);
    const res = await postResponses(
      f,
      responsesBody("again", {
        input: [item, { type: "message", role: "user", content: [{ type: "input_text", text: "again" }] }],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("hi from mock");
    const b = f.mock.requests({ path: "/backend-api/codex/responses", accountId: "acct-b" }).map((r) => r.status);
    expect(b).toEqual([400, 200]);
  });

  test("an exhausted owner of compacted history: a clear 409 stale_continuation", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    await (await postResponses(f, responsesBody("hi", { prompt_cache_key: "k1" }), { "session-id": "s1" })).text();
    f.mock.exhaust("acct-a", 900);
    f.proxy.state.pool.rest("p1", { kind: "quota", reason: "usage limit reached", until: Date.now() + 900_000 });
    const res = await postResponses(
      f,
      responsesBody("go on", { prompt_cache_key: "k1", input: [{ type: "compaction", encrypted_content: "x" }] }),
      { "session-id": "s1" },
    );
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("stale_continuation");
    expect(body.error.message).toContain("p1");
  });
});

describe("streaming hygiene", () => {
  test("a client that disconnects mid-stream aborts the upstream request", async () => {
    const f = await openPool([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    f.mock.setOptions({ stream: { chunks: 40, chunkDelayMs: 25 } });
    const controller = new AbortController();
    const res = await postResponses(f, responsesBody(), {}, controller.signal);
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await Bun.sleep(1_500);
    const account = f.mock.accounts().find((a) => a.id === "acct-a");
    expect(account?.counters.requests).toBe(1);
    expect(account?.counters.completed).toBe(0);
  });

  test("zstd-compressed request bodies are accepted and forwarded", async () => {
    const f = await openPool([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const raw = Bun.zstdCompressSync(new TextEncoder().encode(JSON.stringify(responsesBody("zipped hello"))));
    const res = await fetch(`${f.proxy.codexBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "zstd", ...f.proxy.codexHeaders },
      body: raw,
    });
    expect(await res.text()).toContain("hi from mock");
    expect(JSON.stringify(f.mock.requests({ path: "/backend-api/codex/responses" })[0]?.body)).toContain(
      "zipped hello",
    );
  });

  test("malformed bodies get a clear error and the proxy keeps serving", async () => {
    const f = await openPool([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const bad = await fetch(`${f.proxy.codexBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-encoding": "zstd", ...f.proxy.codexHeaders },
      body: "not zstd",
    });
    expect(bad.status).toBe(400);
    expect(await (await postResponses(f, responsesBody())).text()).toContain("hi from mock");
  });
});

describe("tokens", () => {
  test("an access token about to expire is refreshed once, even for parallel requests", async () => {
    const f = await openPool([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const { writeAuth } = await import("@prodex/core");
    const row = f.ctx.store.profiles.get("p1");
    if (!row) throw new Error("no profile");
    writeAuth(row.codexHome, f.mock.authFile("acct-a", { expiresInSeconds: 60 }));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => postResponses(f as PoolFixture, responsesBody()).then((r) => r.text())),
    );
    for (const a of answers) expect(a).toContain("hi from mock");
    expect(f.mock.refreshCalls("acct-a")).toBe(1);
  });

  test("a 401 triggers one refresh and a retry on the same account", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    f.mock.fault("acct-a", { kind: "unauthorized" });
    expect(await (await postResponses(f, responsesBody())).text()).toContain("hi from mock");
    expect(f.mock.refreshCalls("acct-a")).toBe(1);
    expect(served(f)).toEqual(["acct-a", "acct-a"]);
  });
});

import { describe, expect, test } from "bun:test";
import { findLeaks } from "@prodex/testkit/leak-scan";
import { type PromFamily, parsePromText, promSum as sum } from "@prodex/testkit/prom-text";
import { messagesBody, postMessages } from "../helpers/claude-client.ts";
import {
  type PoolFixture,
  TWO_ACCOUNTS,
  postResponses,
  responsesBody,
  usePoolFixtures,
} from "../helpers/pool-fixture.ts";
import { httpText, rawRequest } from "../helpers/raw-http.ts";
import { WsClient, codexWsHeaders, proxyWsUrl } from "../helpers/ws-client.ts";

// `GET /metrics` on the single-user proxy (what `prodex serve` runs): valid Prometheus text (the strict parser),
// behind the proxy's secret, and its counts are what the mock served — requests, tokens, a rotation, a refresh.

const openPool = usePoolFixtures();
const PROMPT = "tangerine-walrus-prompt-7731";

async function scrape(f: PoolFixture): Promise<{ text: string; families: PromFamily[] }> {
  const res = await fetch(`${f.proxy.url}/metrics`, { headers: { authorization: `Bearer ${f.proxy.secret}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  return { text, families: parsePromText(text) };
}

async function turn(f: PoolFixture, model = "gpt-5"): Promise<string> {
  const res = await postResponses(f, responsesBody(PROMPT, { model }));
  expect(res.status).toBe(200);
  return res.text();
}

describe("the proxy's /metrics", () => {
  test("only with the proxy's secret, from loopback names, never for a browser", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const url = `${f.proxy.url}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${"x".repeat(f.proxy.secret.length)}` } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain("/metrics needs");
    expect((await fetch(url, { headers: { authorization: `Bearer ${f.proxy.pathId}` } })).status).toBe(401);
    expect((await fetch(url, { headers: { "x-prodex-key": f.proxy.secret } })).status).toBe(200);
    expect((await fetch(`${f.proxy.url}/k/${f.proxy.secret}/metrics`)).status).toBe(404);
    const port = f.proxy.port;
    const raw = async (host: string) =>
      (
        await rawRequest(
          port,
          httpText("GET", "/metrics", { Host: host, authorization: `Bearer ${f.proxy.secret}`, Connection: "close" }),
        )
      ).status;
    expect(await raw(`127.0.0.1:${port}`)).toBe(200);
    expect(await raw(`evil.example:${port}`)).toBe(403);
    const browser = await fetch(url, {
      headers: { authorization: `Bearer ${f.proxy.secret}`, origin: "http://evil.example" },
    });
    expect(browser.status).toBe(403);
  }, 30_000);

  test("valid text whose counts are what the mock served: requests, tokens, a rotation, a refresh, a broken answer", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    // acct-a (p1, preferred) answers a usage limit: the first request moves to p2, one rotation.
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 3_600 });
    await turn(f);
    let m = await scrape(f);
    expect(sum(m.families, "prodex_rotations_total")).toBe(1);
    expect(sum(m.families, "prodex_backoffs_total", { profile: "p1", kind: "quota" })).toBe(1);

    // p2's token is refused once: the proxy refreshes it and retries there.
    f.mock.fault("acct-b", { kind: "unauthorized" });
    await turn(f, "gpt-5-codex");
    await turn(f);
    const ws = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
    try {
      ws.create(responsesBody(PROMPT));
      await ws.turn(15_000);
    } finally {
      ws.close();
    }
    const claude = await postMessages(f, messagesBody(PROMPT));
    expect(claude.status).toBe(200);
    await claude.text();
    // An answer that breaks after its first event went to the client: an error, on the account it reached.
    f.mock.fault("acct-b", { kind: "error_after_commit", afterEvents: 2 });
    await postResponses(f, responsesBody(PROMPT))
      .then((r) => r.text())
      .catch(() => "");

    await f.ctx.writes.settled();
    const rows = f.ctx.store.ledger.since(0);
    expect(rows).toHaveLength(6);
    m = await scrape(f);
    const fam = m.families;
    const served = f.mock.accounts().reduce((n, a) => n + a.counters.completed, 0);
    expect(served).toBe(5);
    expect(sum(fam, "prodex_requests_total", { outcome: "completed" })).toBe(served);
    expect(sum(fam, "prodex_requests_total")).toBe(rows.length);
    expect(sum(fam, "prodex_requests_total", { client: "claude" })).toBe(1);
    expect(sum(fam, "prodex_requests_total", { model: "gpt-5-codex" })).toBe(1);
    expect(sum(fam, "prodex_errors_total")).toBe(1);
    expect(sum(fam, "prodex_rotations_total")).toBe(rows.reduce((n, r) => n + r.rotations, 0));
    expect(sum(fam, "prodex_ttfb_seconds_count")).toBe(rows.filter((r) => r.ttfbMs !== null).length);
    for (const kind of ["input", "output"] as const) {
      const column = kind === "input" ? "inputTokens" : "outputTokens";
      for (const profile of ["p1", "p2"])
        expect(sum(fam, "prodex_tokens_total", { profile, kind })).toBe(
          rows.filter((r) => r.profile === profile).reduce((n, r) => n + r[column], 0),
        );
    }
    expect(sum(fam, "prodex_tokens_total", { profile: "p2", kind: "output" })).toBeGreaterThan(0);
    const refreshes = f.mock.accounts().reduce((n, a) => n + a.counters.refreshes, 0);
    expect(refreshes).toBe(1);
    expect(sum(fam, "prodex_token_refreshes_total", { profile: "p2", result: "ok" })).toBe(refreshes);
    expect(sum(fam, "prodex_remaining_percent", { profile: "p1", window: "5h", limit: "codex" })).toBe(0);
    expect(fam.find((x) => x.name === "prodex_remaining_percent")?.samples.some((s) => s.labels.profile === "p2")).toBe(
      true,
    );
    expect(sum(fam, "prodex_backoffs_active")).toBe(1);
    expect(fam.map((x) => x.name)).toContain("prodex_store_writer_pending_ops");
    expect(fam.map((x) => x.name)).toContain("prodex_store_writer_lag_seconds");
    expect(sum(fam, "prodex_http_requests_total", { route: "/backend-api/codex/responses", status: "200" })).toBe(5);
    expect(fam.map((x) => x.name)).not.toContain("prodex_leases");

    const tokens = f.mock
      .accounts()
      .flatMap((a) => [
        ...a.tokens.access.map((value) => ({ label: `${a.id} access token`, value })),
        ...a.tokens.refresh.map((value) => ({ label: `${a.id} refresh token`, value })),
        { label: `${a.id} email`, value: a.email },
        { label: `${a.id} account id`, value: a.id },
      ]);
    const secrets = [
      { label: "proxy secret", value: f.proxy.secret },
      { label: "path id", value: f.proxy.pathId },
      { label: "prompt", value: PROMPT },
      ...tokens,
    ];
    expect(findLeaks(secrets, [{ where: "/metrics", text: m.text }])).toEqual([]);
  }, 60_000);

  test("a request no account could serve is unserved (exhausted), not a request that reached one", async () => {
    const f = await openPool(TWO_ACCOUNTS);
    const ws = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
    for (const id of ["acct-a", "acct-b"]) f.mock.fault(id, { kind: "usage_limit", resetsInSeconds: 3_600 });
    try {
      ws.create(responsesBody(PROMPT));
      expect((await ws.turn(15_000)).at(-1)?.type).toBe("error");
    } finally {
      ws.close();
    }
    const res = await postResponses(f, responsesBody(PROMPT));
    expect(res.status).toBe(429);
    await res.text();
    const { families } = await scrape(f);
    // One over the websocket, one over HTTP: Codex's two transports, both the `codex` client.
    expect(sum(families, "prodex_unserved_total", { client: "codex", reason: "exhausted" })).toBe(2);
    expect(sum(families, "prodex_requests_total")).toBe(0);
    expect(sum(families, "prodex_http_requests_total", { route: "/backend-api/codex/responses", status: "429" })).toBe(
      1,
    );
    expect(sum(families, "prodex_backoffs_total", { kind: "quota" })).toBe(2);
  }, 30_000);
});

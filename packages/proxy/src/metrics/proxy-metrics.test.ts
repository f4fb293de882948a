import { describe, expect, test } from "bun:test";
import type { PoolEvent } from "@prodex/core";
import type { LedgerRow } from "@prodex/store";
import { type PromFamily, parsePromText, promSum } from "@prodex/testkit/prom-text";
import { Histogram } from "./histogram.ts";
import { prometheusText } from "./prometheus-text.ts";
import { ProxyMetrics, type ScrapeGauges, tokensOf } from "./proxy-metrics.ts";

const row = (over: Partial<LedgerRow> = {}): LedgerRow => ({
  requestId: crypto.randomUUID(),
  at: 1,
  caller: "launch",
  profile: "work",
  client: "codex",
  model: "gpt-5",
  inputTokens: 100,
  cachedTokens: 0,
  outputTokens: 20,
  reasoningTokens: 5,
  status: 200,
  outcome: "completed",
  rotations: 0,
  ttfbMs: 80,
  durationMs: 400,
  instance: "test",
  ...over,
});

const gauges = (over: Partial<ScrapeGauges> = {}): ScrapeGauges => ({
  remaining: [],
  writer: { ops: 0, lagSeconds: 0, lost: 0 },
  backoffsActive: 0,
  accountsPaused: 0,
  wsOpen: 0,
  rssBytes: 1024,
  uptimeSeconds: 9,
  leases: null,
  ...over,
});

const event = (e: Partial<PoolEvent> & Pick<PoolEvent, "kind">): PoolEvent =>
  ({ id: 1, at: 1, level: "info", profile: "work", message: "-", ...e }) as PoolEvent;

function scrape(m: ProxyMetrics, g = gauges()): PromFamily[] {
  return parsePromText(prometheusText(m.families(g)));
}

const value = promSum;
const has = (families: PromFamily[], name: string) => families.some((f) => f.name === name);

describe("ProxyMetrics", () => {
  test("a ledger row counts a request, its rotations, its tokens by profile and model, its time to first byte", () => {
    const m = new ProxyMetrics();
    m.served(row());
    m.served(row({ rotations: 2, model: "gpt-5-codex", ttfbMs: 300 }));
    m.served(row({ client: "claude", outcome: "failed", status: 200, ttfbMs: null }));
    m.served(row({ client: "openai", status: 429, outcome: "error", inputTokens: 0, outputTokens: 0 }));
    const f = scrape(m);
    expect(value(f, "prodex_requests_total")).toBe(4);
    expect(value(f, "prodex_requests_total", { client: "codex", model: "gpt-5", outcome: "completed" })).toBe(1);
    expect(value(f, "prodex_errors_total")).toBe(2);
    expect(value(f, "prodex_errors_total", { client: "claude" })).toBe(1);
    expect(value(f, "prodex_rotations_total", { model: "gpt-5-codex" })).toBe(2);
    expect(value(f, "prodex_rotations_total", { model: "gpt-5" })).toBe(0);
    expect(value(f, "prodex_tokens_total", { profile: "work", model: "gpt-5", kind: "input" })).toBe(200);
    expect(value(f, "prodex_tokens_total", { kind: "cached" })).toBe(0);
    expect(value(f, "prodex_ttfb_seconds_count", { client: "codex" })).toBe(2);
    expect(value(f, "prodex_ttfb_seconds_bucket", { client: "codex", le: "0.1" })).toBe(1);
    expect(value(f, "prodex_ttfb_seconds_bucket", { client: "codex", le: "0.5" })).toBe(2);
    expect(value(f, "prodex_ttfb_seconds_count", { client: "claude" })).toBe(0);
  });

  test.each([
    ["token.refreshed", "ok"],
    ["token.refresh_failed", "failed"],
    ["auth.needs_login", "needs_login"],
  ] as const)("%s counts a refresh %s", (kind, result) => {
    const m = new ProxyMetrics();
    m.event(event({ kind }));
    m.event(event({ kind: "rotation", data: { from: "a", to: "b", reason: "x", kind: "quota", client: "codex" } }));
    expect(value(scrape(m), "prodex_token_refreshes_total", { profile: "work", result })).toBe(1);
  });

  test("backoffs by profile and kind; unserved by client and why; HTTP answers by route and status; streams", () => {
    const m = new ProxyMetrics();
    m.event(event({ kind: "backoff", data: { reason: "quota", until: 5 } }));
    m.unserved("claude", "exhausted");
    m.unserved("claude", "exhausted");
    m.answered("/backend-api/codex/responses", 200);
    m.answered("/backend-api/codex/responses", 200);
    m.answered("/backend-api/codex/responses", 429);
    m.streamOpened();
    m.streamOpened();
    m.streamClosed();
    m.streamClosed();
    m.streamClosed();
    const f = scrape(m, gauges({ wsOpen: 3, backoffsActive: 1, accountsPaused: 2 }));
    expect(value(f, "prodex_backoffs_total", { profile: "work", kind: "quota" })).toBe(1);
    expect(value(f, "prodex_http_requests_total", { status: "200" })).toBe(2);
    expect(value(f, "prodex_http_requests_total", { status: "429" })).toBe(1);
    expect(value(f, "prodex_streams_open", { transport: "sse" })).toBe(0);
    expect(value(f, "prodex_streams_open", { transport: "ws" })).toBe(3);
    expect(value(f, "prodex_sse_streams_total")).toBe(2);
    expect(value(f, "prodex_backoffs_active")).toBe(1);
    expect(value(f, "prodex_accounts_paused")).toBe(2);
    expect(value(f, "prodex_unserved_total", { client: "claude", reason: "exhausted" })).toBe(2);
  });

  test("scrape gauges: remaining per profile, window and limit; the writer's backlog; leases only on a broker", () => {
    const g = gauges({
      remaining: [
        { profile: "work", window: "5h", limit: "codex", percent: 60 },
        { profile: "work", window: "weekly", limit: "codex", percent: 12.5 },
      ],
      writer: { ops: 7, lagSeconds: 0.25, lost: 2 },
    });
    const f = scrape(new ProxyMetrics(), g);
    expect(value(f, "prodex_remaining_percent", { window: "weekly" })).toBe(12.5);
    expect(value(f, "prodex_store_writer_pending_ops")).toBe(7);
    expect(value(f, "prodex_store_writer_lag_seconds")).toBe(0.25);
    expect(value(f, "prodex_store_writer_lost_ops_total")).toBe(2);
    expect(has(f, "prodex_leases")).toBe(false);
    expect(value(scrape(new ProxyMetrics(), gauges({ leases: 2 })), "prodex_leases")).toBe(2);
  });
});

test("an upstream's odd model name stays one valid label value (escaped, read back as sent)", () => {
  const m = new ProxyMetrics();
  const model = 'we"ird\\model\nname {x="1"}';
  m.served(row({ model }));
  m.served(row({ model: null }));
  const requests = scrape(m).find((f) => f.name === "prodex_requests_total")?.samples ?? [];
  expect(requests.map((s) => s.labels.model)).toEqual([model, "-"]);
});

describe("Histogram", () => {
  test("cumulative buckets up to +Inf = _count, per label set", () => {
    const h = new Histogram([1, 5]);
    for (const v of [0.5, 1, 3, 9]) h.observe({ client: "a" }, v);
    h.observe({ client: "b" }, 2);
    const byName = (client: string) =>
      h
        .samples()
        .filter((s) => s.labels?.client === client)
        .map((s) => [s.suffix, s.labels?.le ?? null, s.value]);
    expect(byName("a")).toEqual([
      ["_bucket", "1", 2],
      ["_bucket", "5", 3],
      ["_bucket", "+Inf", 4],
      ["_sum", null, 13.5],
      ["_count", null, 4],
    ]);
    expect(byName("b")[0]).toEqual(["_bucket", "1", 0]);
  });
});

test.each([
  [
    row(),
    [
      ["input", 100],
      ["output", 20],
      ["reasoning", 5],
    ],
  ],
  [row({ inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedTokens: 3 }), [["cached", 3]]],
])("tokensOf %#", (r, want) => expect(tokensOf(r)).toEqual(want as [string, number][]));

// What a proxy counts for `/metrics`, the same on `prodex serve`, a launch's proxy, the shared broker and a team
// gateway instance (which adds its own series: gateway/src/serve/gateway-metrics.ts). Every observation is a map
// lookup and an add (O(1) on the request path); the gauges are read only when scraped. Labels are clients,
// models, profile names (the user's own labels), route patterns and fixed words: never a token, secret, email,
// path secret or prompt text.
import { type PoolEvent, isLedgerError, modelGroup } from "@prodex/core";
import type { LedgerRow } from "@prodex/store";
import { Histogram } from "./histogram.ts";
import { LabeledCounter } from "./labeled-counter.ts";
import type { MetricFamily } from "./prometheus-text.ts";
import type { Unserved } from "./unserved-reason.ts";

/** Time to first byte, seconds: where an answer's first byte lands, held answers included. */
export const TTFB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** What is read only when scraped (metrics/scrape-gauges.ts). */
export type ScrapeGauges = {
  /** Per profile, window and limit: percent left, from its newest usage reading. */
  remaining: { profile: string; window: string; limit: string; percent: number }[];
  /** The store writer: ops waiting, how long the oldest has waited, ops it had to drop so far. */
  writer: { ops: number; lagSeconds: number; lost: number };
  backoffsActive: number;
  /** Accounts their operator paused (no new conversation goes to them). */
  accountsPaused: number;
  wsOpen: number;
  rssBytes: number;
  uptimeSeconds: number;
  /** Launches attached (a broker only; null elsewhere). */
  leases: number | null;
};

/** Pure: a ledger row's tokens by kind, the ones it has (more than zero). */
export function tokensOf(row: LedgerRow): [kind: string, tokens: number][] {
  const all: [string, number][] = [
    ["input", row.inputTokens],
    ["cached", row.cachedTokens],
    ["output", row.outputTokens],
    ["reasoning", row.reasoningTokens],
  ];
  return all.filter(([, n]) => n > 0);
}

export class ProxyMetrics {
  private readonly requests = new LabeledCounter();
  private readonly errors = new LabeledCounter();
  private readonly rotations = new LabeledCounter();
  private readonly unservedCount = new LabeledCounter();
  private readonly ttfb = new Histogram(TTFB_BUCKETS);
  private readonly tokens = new LabeledCounter();
  private readonly refreshes = new LabeledCounter();
  private readonly backoffs = new LabeledCounter();
  private readonly http = new LabeledCounter();
  private sseOpen = 0;
  private sseTotal = 0;
  /** How late the last event-loop probe ran, ms. */
  private lagMs = 0;

  /** One usage-ledger row: a request that reached an account and whose answer ended. */
  served(row: LedgerRow): void {
    const model = modelGroup(row.model);
    const cm = { client: row.client, model };
    this.requests.add({ ...cm, outcome: row.outcome });
    if (isLedgerError(row)) this.errors.add(cm);
    this.rotations.add(cm, row.rotations);
    if (row.ttfbMs !== null) this.ttfb.observe({ client: row.client }, row.ttfbMs / 1000);
    for (const [kind, n] of tokensOf(row)) this.tokens.add({ profile: row.profile, model, kind }, n);
  }

  /** A request no account's answer reached the client for (unserved-reason.ts says why). */
  unserved(client: string, reason: Unserved): void {
    this.unservedCount.add({ client, reason });
  }

  /** The pool's events this proxy emits: token refreshes and their failures, accounts rested. */
  event(e: PoolEvent): void {
    const profile = e.profile ?? "-";
    if (e.kind === "token.refreshed") this.refreshes.add({ profile, result: "ok" });
    else if (e.kind === "token.refresh_failed") this.refreshes.add({ profile, result: "failed" });
    else if (e.kind === "auth.needs_login") this.refreshes.add({ profile, result: "needs_login" });
    else if (e.kind === "backoff") this.backoffs.add({ profile, kind: e.data?.reason ?? "unknown" });
  }

  /** An HTTP answer, by the matched route pattern (never the path: secrets ride in paths) and status. */
  answered(route: string, status: number): void {
    this.http.add({ route, status: String(status) });
  }

  streamOpened(): void {
    this.sseOpen++;
    this.sseTotal++;
  }

  streamClosed(): void {
    this.sseOpen = Math.max(0, this.sseOpen - 1);
  }

  /** Measures event-loop lag: how late a 500 ms timer fires. Returns its stop. */
  probeLag(): () => void {
    let at = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(0, now - at - 500);
      at = now;
    }, 500);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  families(g: ScrapeGauges): MetricFamily[] {
    return [
      counter(
        "prodex_requests_total",
        "Requests that reached an account, by client, model and how the answer ended.",
        this.requests.samples(),
      ),
      counter(
        "prodex_errors_total",
        "Answers that did not complete (error status, failed, broken or abandoned stream), by client and model.",
        this.errors.samples(),
      ),
      counter(
        "prodex_unserved_total",
        "Requests answered without an account's answer, by client and why: exhausted (every account out or failing), " +
          "stale (a continuation whose account cannot serve), aborted (the client left first), refused, database_down.",
        this.unservedCount.samples(),
      ),
      counter(
        "prodex_rotations_total",
        "Accounts tried beyond the first before an answer committed, by client and model.",
        this.rotations.samples(),
      ),
      {
        name: "prodex_ttfb_seconds",
        help: "Time from a request's arrival to its first byte to the client, by client.",
        type: "histogram",
        samples: this.ttfb.samples(),
      },
      counter(
        "prodex_tokens_total",
        "Tokens from the upstream's usage, by profile, model and kind.",
        this.tokens.samples(),
      ),
      counter(
        "prodex_token_refreshes_total",
        "Token refreshes, by profile and result (ok, failed, needs_login).",
        this.refreshes.samples(),
      ),
      gauge(
        "prodex_remaining_percent",
        "Percent left in each profile's window (5h, weekly, other) of each limit, from its newest usage reading.",
        g.remaining.map((r) => ({
          labels: { profile: r.profile, window: r.window, limit: r.limit },
          value: r.percent,
        })),
      ),
      counter("prodex_backoffs_total", "Accounts rested, by profile and kind.", this.backoffs.samples()),
      gauge("prodex_backoffs_active", "Accounts resting now (backed off or out of quota until a reset).", [
        { value: g.backoffsActive },
      ]),
      gauge("prodex_accounts_paused", "Accounts paused by their operator now (no new conversation goes to them).", [
        { value: g.accountsPaused },
      ]),
      counter(
        "prodex_http_requests_total",
        "HTTP requests answered, by route pattern and status.",
        this.http.samples(),
      ),
      gauge("prodex_streams_open", "Answers streaming now, by transport.", [
        { labels: { transport: "sse" }, value: this.sseOpen },
        { labels: { transport: "ws" }, value: g.wsOpen },
      ]),
      counter("prodex_sse_streams_total", "Committed SSE answers streamed.", [{ value: this.sseTotal }]),
      gauge("prodex_store_writer_pending_ops", "Store writes queued or in flight (events, bindings, ledger rows).", [
        { value: g.writer.ops },
      ]),
      gauge("prodex_store_writer_lag_seconds", "How long the oldest store write not yet written has waited.", [
        { value: g.writer.lagSeconds },
      ]),
      counter("prodex_store_writer_lost_ops_total", "Store writes dropped (a full queue, or failing on their own).", [
        { value: g.writer.lost },
      ]),
      ...(g.leases === null
        ? []
        : [gauge("prodex_leases", "Launches attached to this broker.", [{ value: g.leases }])]),
      gauge("process_resident_memory_bytes", "Resident set size of the proxy process.", [{ value: g.rssBytes }]),
      gauge("prodex_event_loop_lag_seconds", "How late the last event-loop probe ran.", [{ value: this.lagMs / 1000 }]),
      gauge("prodex_uptime_seconds", "Seconds since the proxy started.", [{ value: g.uptimeSeconds }]),
    ];
  }
}

function counter(name: string, help: string, samples: MetricFamily["samples"]): MetricFamily {
  return { name, help, type: "counter", samples };
}

function gauge(name: string, help: string, samples: MetricFamily["samples"]): MetricFamily {
  return { name, help, type: "gauge", samples };
}

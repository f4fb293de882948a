// `GET /metrics` on a gateway instance (Prometheus text; admin or viewer key): what this instance served, from
// its usage-ledger rows, and how it stands now. Labels name instances, clients, models, key names and accounts —
// never a token, a gateway key or any prompt text.
import { isLedgerError } from "@prodex/core";
import { type MetricFamily, type Sample, prometheusText } from "@prodex/proxy";
import type { LedgerRow } from "@prodex/store";

/** Time to first byte, seconds: where an answer's first byte lands, held answers included. */
export const TTFB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** What the instance knows only when scraped. */
export type InstanceGauges = {
  /** Per account and window: percent left, from its newest usage reading. */
  remaining: { account: string; window: string; percent: number }[];
  /** Ledger rows queued for PostgreSQL, and how long the oldest has waited (seconds). */
  ledgerPending: number;
  ledgerLagSeconds: number;
  dbUp: boolean;
};

function bump(map: Map<string, Sample>, labels: Record<string, string>, by = 1): void {
  const id = JSON.stringify(labels);
  const s = map.get(id);
  if (s) s.value += by;
  else map.set(id, { labels, value: by });
}

export class GatewayMetrics {
  private readonly requests = new Map<string, Sample>();
  private readonly errors = new Map<string, Sample>();
  private readonly tokens = new Map<string, Sample>();
  private readonly refreshes = new Map<string, Sample>();
  private rotations = 0;
  private readonly ttfb = { buckets: TTFB_BUCKETS.map(() => 0), sum: 0, count: 0 };

  constructor(private readonly instance: string) {}

  /** One usage-ledger row (every request that reached an account). */
  observe(row: LedgerRow): void {
    bump(this.requests, { client: row.client, outcome: row.outcome });
    if (isLedgerError(row)) bump(this.errors, { client: row.client });
    this.rotations += row.rotations;
    const model = row.model ?? "-";
    for (const [kind, n] of [
      ["input", row.inputTokens],
      ["cached", row.cachedTokens],
      ["output", row.outputTokens],
      ["reasoning", row.reasoningTokens],
    ] as const) {
      if (n > 0) bump(this.tokens, { key: row.caller, model, kind }, n);
    }
    if (row.ttfbMs !== null) {
      const seconds = row.ttfbMs / 1000;
      TTFB_BUCKETS.forEach((le, i) => {
        if (seconds <= le) this.ttfb.buckets[i] = (this.ttfb.buckets[i] ?? 0) + 1;
      });
      this.ttfb.sum += seconds;
      this.ttfb.count++;
    }
  }

  /** A token refresh by this instance, and whether it worked. */
  refresh(account: string, ok: boolean): void {
    bump(this.refreshes, { account, result: ok ? "ok" : "failed" });
  }

  text(g: InstanceGauges): string {
    const inst = (samples: Iterable<Sample>): Sample[] =>
      [...samples].map((s) => ({ ...s, labels: { instance: this.instance, ...s.labels } }));
    const bucket = (le: string, value: number): Sample => ({ suffix: "_bucket", labels: { le }, value });
    const families: MetricFamily[] = [
      {
        name: "prodex_gateway_requests_total",
        help: "Requests that reached an account, by client and how the answer ended.",
        type: "counter",
        samples: inst(this.requests.values()),
      },
      {
        name: "prodex_gateway_errors_total",
        help: "Answers that did not complete (error status, failed, broken or abandoned stream), by client.",
        type: "counter",
        samples: inst(this.errors.values()),
      },
      {
        name: "prodex_gateway_rotations_total",
        help: "Attempts beyond the first before an answer committed.",
        type: "counter",
        samples: inst([{ value: this.rotations }]),
      },
      {
        name: "prodex_gateway_ttfb_seconds",
        help: "Time from a request's arrival to its first byte to the client.",
        type: "histogram",
        samples: inst([
          ...TTFB_BUCKETS.map((le, i) => bucket(String(le), this.ttfb.buckets[i] ?? 0)),
          bucket("+Inf", this.ttfb.count),
          { suffix: "_sum", value: this.ttfb.sum },
          { suffix: "_count", value: this.ttfb.count },
        ]),
      },
      {
        name: "prodex_gateway_tokens_total",
        help: "Tokens from the upstream's usage, by gateway key name, model and kind.",
        type: "counter",
        samples: inst(this.tokens.values()),
      },
      {
        name: "prodex_gateway_token_refreshes_total",
        help: "Account token refreshes this instance ran, by result.",
        type: "counter",
        samples: inst(this.refreshes.values()),
      },
      {
        name: "prodex_gateway_account_remaining_percent",
        help: "Percent left in each account's window, from its newest usage reading.",
        type: "gauge",
        samples: inst(g.remaining.map((r) => ({ labels: { account: r.account, window: r.window }, value: r.percent }))),
      },
      {
        name: "prodex_gateway_ledger_pending_rows",
        help: "Usage-ledger rows queued for PostgreSQL.",
        type: "gauge",
        samples: inst([{ value: g.ledgerPending }]),
      },
      {
        name: "prodex_gateway_ledger_lag_seconds",
        help: "How long the oldest queued usage-ledger row has waited.",
        type: "gauge",
        samples: inst([{ value: g.ledgerLagSeconds }]),
      },
      {
        name: "prodex_gateway_database_up",
        help: "1 when this instance reaches PostgreSQL.",
        type: "gauge",
        samples: inst([{ value: g.dbUp ? 1 : 0 }]),
      },
    ];
    return prometheusText(families);
  }
}

// `GET /metrics` on a gateway instance (Prometheus text; admin or viewer key): the proxy's own series (requests,
// errors, rotations, time to first byte, tokens per account, remaining quota, refreshes, the store writer: one
// collector, proxy/src/metrics) plus what only a gateway knows — tokens per gateway key, the PostgreSQL ledger's
// backlog and database reachability — every sample labelled with the instance. Labels name instances, clients,
// models, key names and accounts: never a token, a gateway key or any prompt text.
import { LabeledCounter, type MetricFamily, prometheusText, tokensOf, withLabels } from "@prodex/proxy";
import type { LedgerRow } from "@prodex/store";

/** What the instance knows only when scraped. */
export type InstanceGauges = {
  /** Ledger rows queued for PostgreSQL, and how long the oldest has waited (seconds). */
  ledgerPending: number;
  ledgerLagSeconds: number;
  dbUp: boolean;
};

export class GatewayMetrics {
  private readonly keyTokens = new LabeledCounter();

  constructor(private readonly instance: string) {}

  /** One usage-ledger row: its tokens, by the gateway key that sent it (the ledger's caller). O(1). */
  observe(row: LedgerRow): void {
    const model = row.model ?? "-";
    for (const [kind, n] of tokensOf(row)) this.keyTokens.add({ key: row.caller, model, kind }, n);
  }

  /** The whole exposition: the proxy's families, then the gateway's, all with this instance's label. */
  text(proxy: MetricFamily[], g: InstanceGauges): string {
    const own: MetricFamily[] = [
      {
        name: "prodex_gateway_key_tokens_total",
        help: "Tokens from the upstream's usage, by gateway key name, model and kind.",
        type: "counter",
        samples: this.keyTokens.samples(),
      },
      {
        name: "prodex_gateway_ledger_pending_rows",
        help: "Usage-ledger rows queued for PostgreSQL.",
        type: "gauge",
        samples: [{ value: g.ledgerPending }],
      },
      {
        name: "prodex_gateway_ledger_lag_seconds",
        help: "How long the oldest queued usage-ledger row has waited.",
        type: "gauge",
        samples: [{ value: g.ledgerLagSeconds }],
      },
      {
        name: "prodex_gateway_database_up",
        help: "1 when this instance reaches PostgreSQL.",
        type: "gauge",
        samples: [{ value: g.dbUp ? 1 : 0 }],
      },
    ];
    return prometheusText(withLabels([...proxy, ...own], { instance: this.instance }));
  }
}

import type { Context } from "@prodex/core";
import type { LedgerRow } from "@prodex/store";
import type { Bindings } from "../affinity/bindings.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import type { PoolRuntime } from "../pool/pool-runtime.ts";
import type { HoldLimits } from "../rotation/commit-point.ts";
import type { RuntimeLog } from "../runtime/runtime-log.ts";
import type { RecentTokens } from "./recent-tokens.ts";

/** What every route handler shares: one per running proxy. */
export type ProxyState = {
  ctx: Context;
  pool: PoolRuntime;
  bindings: Bindings;
  log: RuntimeLog;
  /** The real ChatGPT base, e.g. https://chatgpt.com/backend-api (no trailing slash). */
  upstreamBase: string;
  hold: HoldLimits;
  /** Attempts per request, counting the first. */
  maxAttempts: number;
  /** Time a request may spend rotating before the proxy gives up. */
  rotateBudgetMs: number;
  /** Upstream silence (no headers, no byte) after which an answer counts as stalled. */
  stallMs: number;
  fetch: typeof fetch;
  /** Refresh tokens the profiles held lately: what `/oauth/token` accepts. */
  refreshTokens: RecentTokens;
  /** Access tokens the profiles held since the proxy started: Codex's own login on the keyless ChatGPT routes. */
  accessTokens: RecentTokens;
  /** What `/metrics` shows: counted on the request path in O(1). */
  metrics: ProxyMetrics;
  /** Told each usage-ledger row after it went to the store writer (the gateway's write-behind). */
  onRequest?: (row: LedgerRow) => void;
  /** False: the proxy's own answers say "an account of the pool", never which (the team gateway). */
  accountsInAnswers: boolean;
};

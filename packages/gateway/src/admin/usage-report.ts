// `prodex gateway usage` and `GET /gateway/v1/usage`: the team's usage ledger in totals, and who used each
// account's windows (core's window-shares.ts says how that is estimated). One report for both, shaped by who asks.
import {
  type GatewayBy,
  type GatewayUsage,
  UsageError,
  ledgerGrandTotal,
  ledgerTotals,
  poolRoom,
  windowShares,
} from "@prodex/core";
import type { StoredWindow } from "@prodex/store";
import type { ApiKeyRole, GatewayStore } from "@prodex/store/pg";

export { GATEWAY_GROUPS, type GatewayBy, type GatewayUsage, parseGatewayBy, sharesCsv, usageCsv } from "@prodex/core";

/** Who asks: an operator at the database (everything), or a gateway key (a `user` key sees only its own). */
export type Asker = { role: ApiKeyRole; name: string } | "operator";

const WEEK_MS = 7 * 86_400_000;

export async function usageReport(
  store: GatewayStore,
  q: { by: GatewayBy; since: number; now: number; asker: Asker },
): Promise<GatewayUsage> {
  const own = q.asker !== "operator" && q.asker.role === "user" ? q.asker.name : undefined;
  // A user key never learns account names: not by grouping, not by windows.
  if (own !== undefined && q.by === "account")
    throw new UsageError("a user key cannot group usage by account", "use --by key, model, day or client");
  const accounts = (await store.usage.all()).map((u) => ({
    name: u.account,
    windows: (Array.isArray(u.windows) ? u.windows : []) as StoredWindow[],
  }));
  // The week's rows too: a window's shares reach back to the start of its period, whatever --since says.
  const from = own === undefined ? Math.min(q.since, q.now - WEEK_MS) : q.since;
  const rows = await store.ledger.since(from, own);
  const inPeriod = rows.filter((r) => r.at >= q.since);
  return {
    schema: "prodex.gateway-usage/v1",
    since: new Date(q.since).toISOString(),
    by: q.by,
    scope: own === undefined ? "all" : "own",
    groups: ledgerTotals(inPeriod, q.by),
    total: ledgerGrandTotal(inPeriod),
    windows: own === undefined ? windowShares(rows, accounts, q.now) : null,
    pool: poolRoom(accounts),
  };
}

// `prodex gateway usage` and `GET /gateway/v1/usage`: the team's usage ledger in totals, and who used each
// account's windows (core's window-shares.ts says how that is estimated). One report for both, shaped by who asks.
import {
  type GatewayBy,
  type GatewayUsage,
  type WindowShares,
  UsageError,
  csvLines,
  ledgerGrandTotal,
  ledgerTotals,
  poolRoom,
  totalsCsv,
  windowShares,
} from "@prodex/core";
import type { StoredWindow } from "@prodex/store";
import type { ApiKeyRole, GatewayStore } from "@prodex/store/pg";

export { GATEWAY_GROUPS, type GatewayBy, type GatewayUsage, parseGatewayBy } from "@prodex/core";

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

/** The shares as CSV: one line per (account, window, key). */
export function sharesCsv(windows: readonly WindowShares[]): string {
  const header = [
    "account",
    "window",
    "windowUsedPercent",
    "resetAt",
    "key",
    "requests",
    "tokens",
    "share",
    "keyUsedPercent",
  ];
  const rows = windows.flatMap((w) =>
    w.keys.map((k) => [
      w.account,
      w.window,
      round(w.usedPercent),
      w.resetAt === null ? null : new Date(w.resetAt).toISOString(),
      k.key,
      k.requests,
      k.tokens,
      round(k.share, 4),
      round(k.usedPercent),
    ]),
  );
  return csvLines(header, rows);
}

/** The report as the route and `--csv` give it: totals by group, or with `windows` the shares. */
export function usageCsv(report: GatewayUsage, windows: boolean): string {
  if (!windows) return totalsCsv(report.by, report.groups);
  if (!report.windows) throw new UsageError("a user key cannot see per-account windows", "ask an admin or viewer key");
  return sharesCsv(report.windows);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

// The usage ledger's totals as people and programs read them: an aligned table, CSV, or JSON
// (CSV: core's ledger-csv.ts, shared with the gateway's usage route).
import { type LedgerTotal, TOTAL_COLUMNS } from "@prodex/core";
import { renderTable } from "./table.ts";

const HEADERS = ["requests", "errors", "input", "cached", "output", "reasoning", "total", "rotations"];

/** The table: one row per group, then the sum (when there is more than one group). */
export function usageText(by: string, groups: readonly LedgerTotal[], total: LedgerTotal, since: string): string {
  if (groups.length === 0) return `no requests recorded since ${since}`;
  const row = (t: LedgerTotal) => [t.group, ...TOTAL_COLUMNS.map((c) => t[c].toLocaleString("en-US"))];
  const rows = groups.map(row);
  if (groups.length > 1) rows.push(row({ ...total, group: "all" }));
  return `${renderTable([by, ...HEADERS], rows)}\n(since ${since})`;
}

// The usage ledger's totals as people and programs read them: an aligned table, CSV, or JSON
// (`prodex usage`, and `prodex gateway usage` / the gateway's usage route with their own columns).
import type { LedgerTotal } from "@prodex/core";
import { renderTable } from "./table.ts";

const COLUMNS = ["requests", "errors", "inputTokens", "cachedTokens", "outputTokens", "reasoningTokens", "totalTokens", "rotations"] as const;
const HEADERS = ["requests", "errors", "input", "cached", "output", "reasoning", "total", "rotations"];

/** The table: one row per group, then the sum (when there is more than one group). */
export function usageText(by: string, groups: readonly LedgerTotal[], total: LedgerTotal, since: string): string {
  if (groups.length === 0) return `no requests recorded since ${since}`;
  const row = (t: LedgerTotal) => [t.group, ...COLUMNS.map((c) => t[c].toLocaleString("en-US"))];
  const rows = groups.map(row);
  if (groups.length > 1) rows.push(row({ ...total, group: "all" }));
  return `${renderTable([by, ...HEADERS], rows)}\n(since ${since})`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLines(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n");
}

export function usageCsv(by: string, groups: readonly LedgerTotal[]): string {
  return csvLines([by, ...COLUMNS], groups.map((t) => [t.group, ...COLUMNS.map((c) => t[c])]));
}

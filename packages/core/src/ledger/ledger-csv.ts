// CSV for the usage ledger's reports (`prodex usage --csv`, `prodex gateway usage --csv`, the gateway's usage
// route with `format=csv`): RFC 4180, a header line first.
import type { LedgerTotal } from "./ledger-totals.ts";

export const TOTAL_COLUMNS = [
  "requests",
  "errors",
  "inputTokens",
  "cachedTokens",
  "outputTokens",
  "reasoningTokens",
  "totalTokens",
  "rotations",
] as const;

/** A field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLines(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n");
}

/** One row per group: the grouping's name, then every total. */
export function totalsCsv(by: string, groups: readonly LedgerTotal[]): string {
  return csvLines(
    [by, ...TOTAL_COLUMNS],
    groups.map((t) => [t.group, ...TOTAL_COLUMNS.map((c) => t[c])]),
  );
}

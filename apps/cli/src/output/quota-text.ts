import pc from "picocolors";
import { QUOTA_HEADERS, type QuotaCell, type QuotaResult, type QuotaStatus, formatAgo, quotaRow } from "@prodex/core";
import { renderTable } from "./table.ts";
import { quotaRowInput } from "./quota-views.ts";

/** Filled as the window is used, like the terminal table's bars. */
function bar(used: number, width = 10): string {
  const full = Math.round((used / 100) * width);
  return `${"#".repeat(full)}${".".repeat(width - full)}`;
}

export function quotaCellText(c: QuotaCell | null): string {
  if (!c) return "unknown";
  return `${bar(c.usedPercent)} ${c.usedPercent.toFixed(0).padStart(3)}%${c.reset ? ` ${c.reset}` : ""}`;
}

/** The quota table for non-TTY output (stable row order: the pool's order); same rows as the terminal's. */
export function renderQuotaText(results: QuotaResult[], o: { now: number; current: string | null; detail: boolean; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const tint: Record<QuotaStatus, (s: string) => string> = { ready: paint.green, thin: paint.yellow, critical: paint.red, exhausted: paint.red, unknown: paint.dim };
  const rows = results.map((r) => {
    const row = quotaRow(quotaRowInput(r, o.current), o.now, { detail: o.detail });
    const note = r.error ? `${r.snapshot ? `last good ${formatAgo(r.snapshot.fetchedAt, o.now)}; ` : ""}${r.error}` : "";
    return [
      row.current ? "*" : "",
      row.name,
      row.needsLogin ? paint.red(row.statusText) : tint[row.status](row.statusText),
      quotaCellText(row.fiveHour),
      quotaCellText(row.weekly),
      row.plan ?? "-",
      note ? paint.yellow(note) : "",
    ];
  });
  return renderTable(["", "PROFILE", "STATUS", QUOTA_HEADERS.fiveHour, QUOTA_HEADERS.weekly, "PLAN", ""], rows);
}

import pc from "picocolors";
import { QUOTA_HEADERS, type QuotaCell, type QuotaResult, type QuotaRow, formatAgo, quotaRow } from "@prodex/core";
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

type Paint = ReturnType<typeof pc.createColors>;

/** The row's status in its tone (core's account status), as the pipe tables of `prodex quota` and `prodex info` show it. */
export function statusCell(row: QuotaRow, paint: Paint): string {
  const tone = { green: paint.green, yellow: paint.yellow, red: paint.red, gray: paint.dim }[row.account.tone];
  return tone(row.statusText);
}

/** Why a row cannot serve and until when ("back in 2h 5m: usage limit reached"); its login is its status. */
function availabilityNote(row: QuotaRow): string {
  return row.account.state === "needs-login" ? "" : (row.account.note ?? "");
}

/** The quota table for non-TTY output (stable row order: the pool's order); same rows as the terminal's. */
export function renderQuotaText(
  results: QuotaResult[],
  o: { now: number; current: string | null; detail: boolean; color: boolean },
): string {
  const paint = pc.createColors(o.color);
  const rows = results.map((r) => {
    const row = quotaRow(quotaRowInput(r, o.current), o.now, { detail: o.detail });
    const failed = r.error
      ? `${r.snapshot ? `last good ${formatAgo(r.snapshot.fetchedAt, o.now)}; ` : ""}${r.error}`
      : "";
    const note = [availabilityNote(row), failed].filter(Boolean).join("; ");
    return [
      row.current ? "*" : "",
      row.name,
      statusCell(row, paint),
      quotaCellText(row.fiveHour),
      quotaCellText(row.weekly),
      row.plan ?? "-",
      note ? paint.yellow(note) : "",
    ];
  });
  return renderTable(["", "PROFILE", "STATUS", QUOTA_HEADERS.fiveHour, QUOTA_HEADERS.weekly, "PLAN", ""], rows);
}

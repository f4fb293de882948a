import pc from "picocolors";
import { type QuotaResult, type QuotaStatus, effectiveUsed, quotaStatus } from "@prodex/core";
import { renderTable } from "./table.ts";
import { formatAge, formatClock, formatDuration } from "./time.ts";

const STATUS_TEXT: Record<QuotaStatus, string> = { ready: "Ready", thin: "Thin", critical: "Critical", exhausted: "Exhausted", unknown: "Unknown" };

function bar(remaining: number, width = 10): string {
  const full = Math.round((Math.max(0, Math.min(100, remaining)) / 100) * width);
  return `${"#".repeat(full)}${".".repeat(width - full)}`;
}

/** The quota table for non-TTY output (stable row order: the pool's order). */
export function renderQuotaText(results: QuotaResult[], o: { now: number; current: string | null; detail: boolean; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const tint: Record<QuotaStatus, (s: string) => string> = { ready: paint.green, thin: paint.yellow, critical: paint.red, exhausted: paint.red, unknown: paint.dim };
  const rows = results.map((r) => {
    const windows = r.snapshot?.windows.filter((w) => w.limit === "codex") ?? [];
    const status = r.needsLogin || r.profile.authState === "needs_login" ? "needs login" : STATUS_TEXT[quotaStatus(windows, o.now)];
    const cell = (label: "5h" | "weekly") => {
      const w = windows.find((x) => x.label === label);
      if (!w) return "unknown";
      const left = Math.max(0, 100 - effectiveUsed(w, o.now));
      const reset = w.resetAt === null ? "" : o.detail ? ` resets ${formatClock(w.resetAt)}` : ` ${formatDuration(w.resetAt - o.now)}`;
      return `${bar(left)} ${left.toFixed(0).padStart(3)}%${reset}`;
    };
    const note = r.error ? `${r.snapshot ? `last good ${formatAge(o.now - r.snapshot.fetchedAt)}; ` : ""}${r.error}` : "";
    const statusKey = quotaStatus(windows, o.now);
    return [
      r.profile.name === o.current ? "*" : "",
      r.profile.name,
      r.needsLogin ? paint.red(status) : tint[statusKey](status),
      cell("5h"),
      cell("weekly"),
      r.snapshot?.plan ?? r.profile.plan ?? "-",
      note ? paint.yellow(note) : "",
    ];
  });
  return renderTable(["", "PROFILE", "STATUS", "5H LEFT", "WEEKLY LEFT", "PLAN", ""], rows);
}

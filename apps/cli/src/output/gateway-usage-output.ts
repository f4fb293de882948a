// The gateway's usage report as people read it, whoever fetched it: `prodex gateway usage` from the database,
// `prodex usage --gateway` over HTTP. The totals are the same table as `prodex usage` (usage-output.ts).
import type { GatewayUsage } from "@prodex/core";
import { when } from "./iso.ts";
import { renderTable } from "./table.ts";
import { usageText } from "./usage-output.ts";

const pct = (n: number) => `${n.toFixed(1)}%`;
const room = (left: number | null) => (left === null ? "-" : `${pct(left)} left`);

/** The totals, the pool's room in aggregate, and (admin, viewer, operator) who used each account's windows. */
export function gatewayUsageText(report: GatewayUsage): string {
  const lines = [usageText(report.by, report.groups, report.total, report.since)];
  if (report.scope === "own") lines[0] = `${lines[0]}\n(this key's own requests)`;
  if (report.pool["5h"] !== null || report.pool.weekly !== null)
    lines.push(
      `the pool's room (mean over its accounts): 5h ${room(report.pool["5h"])} · weekly ${room(report.pool.weekly)}`,
    );
  const rows = (report.windows ?? []).flatMap((w) =>
    w.keys.map((k) => [
      w.account,
      w.window,
      pct(w.usedPercent),
      when(w.resetAt),
      k.key,
      k.tokens.toLocaleString("en-US"),
      pct(k.share * 100),
      pct(k.usedPercent),
    ]),
  );
  if (rows.length > 0)
    lines.push(
      "",
      "who used each account's windows (a key's share of the tokens the account served since the window began, " +
        "times how full it is):",
      renderTable(["account", "window", "used", "resets", "key", "tokens", "share", "≈ used by key"], rows),
    );
  return lines.join("\n");
}

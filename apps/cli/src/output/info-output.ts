import pc from "picocolors";
import { QUOTA_HEADERS, type QuotaRow, formatAgo, formatDuration, formatInstant } from "@prodex/core";
import type { PoolCounts, PoolWindow } from "../ops/info/pool-summary.ts";
import type { InfoJson, PoolWindowJson } from "./schemas/info.ts";
import { quotaCellText, statusCell } from "./quota-text.ts";
import { renderTable } from "./table.ts";
import { iso } from "./iso.ts";

export function poolWindowJson(w: PoolWindow, now: number): PoolWindowJson {
  return {
    ...w,
    runsOutAt: iso(w.runsOutAt),
    runsOutInSeconds: w.runsOutAt === null ? null : Math.max(0, Math.round((w.runsOutAt - now) / 1000)),
    nextResetAt: iso(w.nextResetAt),
  };
}

export function poolJson(
  counts: PoolCounts,
  windows: PoolWindow[],
  runsOut: number | null,
  now: number,
): InfoJson["pool"] {
  return { ...counts, windows: windows.map((w) => poolWindowJson(w, now)), runsOutAt: iso(runsOut) };
}

const pct = (n: number | null) => (n === null ? "-" : `${Math.round(n)}%`);

function windowLine(w: PoolWindowJson, now: number): string {
  const label = w.label.padEnd(6);
  if (w.profiles === 0) return `  ${label} no quota known yet (prodex quota --all)`;
  // "140% of 200%" reads oddly: say it as accounts' worth (1.4 of 2), with the average per profile.
  const worth = (percent: number) => (percent / 100).toFixed(1).replace(/\.0$/, "");
  const left = `${worth(w.remainingPercent)} of ${worth(w.capacityPercent)} accounts' worth left (${pct(w.averageRemainingPercent)} each on average)`;
  if (w.burnPercentPerHour === null) return `  ${label} ${left}; burn rate unknown (too little recent history)`;
  if (w.runsOutAt === null) return `  ${label} ${left}; idle (no recent use)`;
  const at = Date.parse(w.runsOutAt);
  return `  ${label} ${left}; using ${w.burnPercentPerHour}%/h → runs out in ${formatDuration(at - now)} (${formatInstant(at, now)}) unless windows reset first`;
}

/** `prodex info` as text; the profile table is the quota row model's, like `prodex quota`'s. */
export function infoText(info: InfoJson, quota: QuotaRow[], o: { now: number; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const lines = [`prodex ${info.version.prodex} (bun ${info.version.bun ?? "?"}) · home ${info.home}`, ""];
  if (quota.length === 0) {
    lines.push("no profiles yet: prodex login, or prodex profile import-current (or try prodex demo)");
  } else {
    lines.push(
      renderTable(
        ["", "PROFILE", "STATUS", QUOTA_HEADERS.fiveHour, QUOTA_HEADERS.weekly, "PLAN", "CHECKED", "EMAIL"],
        quota.map((q, i) => [
          q.current ? "*" : "",
          q.name,
          statusCell(q, paint),
          quotaCellText(q.fiveHour),
          quotaCellText(q.weekly),
          q.plan ?? "-",
          q.checked,
          info.profiles[i]?.email ?? "-",
        ]),
      ),
    );
  }
  const c = info.pool;
  lines.push(
    "",
    `pool: ${c.profiles} profile(s), ${c.ready} ready, ${c.exhausted} exhausted, ${c.resting} resting, ` +
      `${c.paused} paused, ${c.needsLogin} need login`,
  );
  for (const w of c.windows) lines.push(windowLine(w, o.now));
  lines.push("", info.runtimes.length ? "processes:" : "processes: none registered");
  for (const { r, lease } of runtimeOrder(info.runtimes)) {
    const state = r.alive ? paint.green("running") : paint.yellow("dead (prodex cleanup removes it)");
    const kind = lease ? "└ launch" : r.kind.padEnd(8);
    lines.push(
      `  ${kind.padEnd(8)} pid ${String(r.pid).padEnd(7)} ${state}  ${r.url}  started ${formatAgo(Date.parse(r.startedAt), o.now)}`,
    );
  }
  return lines.join("\n");
}

type Runtime = InfoJson["runtimes"][number];

/** Pure: each broker followed by the launches leasing it (same URL); everything else in order. */
export function runtimeOrder(runtimes: Runtime[]): { r: Runtime; lease: boolean }[] {
  const isLease = (r: Runtime) => r.kind === "proxy" && r.id.startsWith("lease:");
  const brokers = new Set(runtimes.filter((r) => r.kind === "broker").map((r) => r.url));
  const out: { r: Runtime; lease: boolean }[] = [];
  for (const r of runtimes) {
    if (isLease(r) && brokers.has(r.url)) continue;
    out.push({ r, lease: isLease(r) });
    if (r.kind === "broker")
      for (const l of runtimes.filter((x) => isLease(x) && x.url === r.url)) out.push({ r: l, lease: true });
  }
  return out;
}

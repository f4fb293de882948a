import pc from "picocolors";
import type { PoolCounts, PoolWindow } from "../ops/info/pool-summary.ts";
import type { InfoJson, PoolWindowJson } from "./schemas/info.ts";
import { renderTable } from "./table.ts";
import { formatAge, formatClock, formatDuration, iso } from "./time.ts";

export function poolWindowJson(w: PoolWindow, now: number): PoolWindowJson {
  return {
    ...w,
    runsOutAt: iso(w.runsOutAt),
    runsOutInSeconds: w.runsOutAt === null ? null : Math.max(0, Math.round((w.runsOutAt - now) / 1000)),
    nextResetAt: iso(w.nextResetAt),
  };
}

export function poolJson(counts: PoolCounts, windows: PoolWindow[], runsOut: number | null, now: number): InfoJson["pool"] {
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
  return `  ${label} ${left}; using ${w.burnPercentPerHour}%/h → runs out in ${formatDuration(at - now)} (${formatClock(at)}) unless windows reset first`;
}

export function infoText(info: InfoJson, o: { now: number; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const lines = [`prodex ${info.version.prodex} (bun ${info.version.bun ?? "?"}) · home ${info.home}`, ""];
  if (info.profiles.length === 0) {
    lines.push("no profiles yet: prodex login, or prodex profile import-current (or try prodex demo)");
  } else {
    lines.push(
      renderTable(
        ["", "PROFILE", "STATUS", "5H LEFT", "WEEKLY LEFT", "PLAN", "CHECKED", "EMAIL"],
        info.profiles.map((p) => [
          p.current ? "*" : "",
          p.name,
          p.needsLogin ? paint.red("needs login") : p.status,
          pct(p.fiveHourRemainingPercent),
          pct(p.weeklyRemainingPercent),
          p.plan ?? "-",
          p.fetchedAt ? formatAge(o.now - Date.parse(p.fetchedAt)) : "never",
          p.email ?? "-",
        ]),
      ),
    );
  }
  const c = info.pool;
  lines.push("", `pool: ${c.profiles} profile(s), ${c.ready} ready, ${c.exhausted} exhausted, ${c.needsLogin} need login`);
  for (const w of c.windows) lines.push(windowLine(w, o.now));
  lines.push("", info.runtimes.length ? "processes:" : "processes: none registered");
  for (const { r, lease } of runtimeOrder(info.runtimes)) {
    const state = r.alive ? paint.green("running") : paint.yellow("dead (prodex cleanup removes it)");
    const kind = lease ? "└ launch" : r.kind.padEnd(8);
    lines.push(`  ${kind.padEnd(8)} pid ${String(r.pid).padEnd(7)} ${state}  ${r.url}  started ${formatAge(o.now - Date.parse(r.startedAt))}`);
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
    if (r.kind === "broker") for (const l of runtimes.filter((x) => isLease(x) && x.url === r.url)) out.push({ r: l, lease: true });
  }
  return out;
}

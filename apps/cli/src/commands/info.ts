import type { Command } from "commander";
import {
  type Context,
  type QuotaRow,
  currentName,
  quotaRow,
  effectiveUsed,
  loadProfileStates,
  pausedFrom,
  windowByLabel,
} from "@prodex/core";
import { withCli } from "../cli-context.ts";
import { LOOKBACK_MS, type PoolProfile, poolCounts, poolRunsOut, poolWindow } from "../ops/info/pool-summary.ts";
import { pidAlive } from "../ops/runtime-registry.ts";
import { availabilityJson } from "../output/availability-json.ts";
import { infoText, poolJson } from "../output/info-output.ts";
import type { InfoJson } from "../output/schemas/info.ts";
import { iso } from "../output/iso.ts";
import { VERSION } from "../version.ts";

export function registerInfo(program: Command): void {
  program
    .command("info")
    .description(
      "the pool at a glance: profiles, pooled quota, when it runs out at the recent rate, running prodex processes",
    )
    .option("--json", "machine-readable output (schema prodex.info/v1)")
    .action((opts: { json?: boolean }) =>
      withCli({}, ({ ctx, io }) => {
        const { info, quota } = gatherInfo(ctx);
        io.out(opts.json ? JSON.stringify(info) : infoText(info, quota, { now: ctx.now(), color: io.color }));
      }),
    );
}

/** From stored snapshots only: `info` never calls upstream (run `prodex quota --all` to refresh). */
export function gatherInfo(ctx: Context): { info: InfoJson; quota: QuotaRow[] } {
  const now = ctx.now();
  const current = currentName(ctx);
  const states = loadProfileStates(ctx, now);
  const pool: PoolProfile[] = states.map((s) => ({
    name: s.profile.name,
    usable: s.usable,
    latest: s.usage ? { fetchedAt: s.usage.fetchedAt, windows: s.usage.windows } : null,
    history: ctx.store.usage
      .history(s.profile.id, now - LOOKBACK_MS, 2_000)
      .map((r) => ({ fetchedAt: r.fetchedAt, windows: r.windows })),
  }));
  const windows = (["5h", "weekly"] as const).map((label) => poolWindow(pool, label, now));
  const left = (latest: PoolProfile["latest"], label: "5h" | "weekly") => {
    const w = latest ? windowByLabel(latest.windows, label) : undefined;
    return w ? Math.max(0, 100 - effectiveUsed(w, now)) : null;
  };
  const rows = states.map((s) => ({
    s,
    row: quotaRow(
      {
        name: s.profile.name,
        current: s.profile.name === current,
        plan: s.usage?.plan ?? s.profile.plan,
        needsLogin: !s.usable,
        windows: s.usage?.windows ?? [],
        fetchedAt: s.usage?.fetchedAt ?? null,
        backoff: s.backoff,
        paused: pausedFrom(s.profile),
      },
      now,
    ),
  }));
  const quota = rows.map((r) => r.row);
  const info: InfoJson = {
    schema: "prodex.info/v1",
    generatedAt: new Date(now).toISOString(),
    version: { prodex: VERSION, bun: process.versions.bun ?? null },
    home: ctx.paths.prodexHome,
    database: ctx.paths.db,
    current,
    profiles: rows.map(({ s, row }, i) => ({
      name: s.profile.name,
      current: s.profile.name === current,
      email: s.profile.email,
      plan: s.usage?.plan ?? s.profile.plan,
      status: row.status,
      needsLogin: !s.usable,
      availability: availabilityJson(row.account),
      fiveHourRemainingPercent: left(pool[i]?.latest ?? null, "5h"),
      weeklyRemainingPercent: left(pool[i]?.latest ?? null, "weekly"),
      fetchedAt: iso(s.usage?.fetchedAt ?? null),
    })),
    pool: poolJson(poolCounts(quota), windows, poolRunsOut(windows), now),
    runtimes: ctx.store.runtimes.list().map((r) => ({
      id: r.id,
      kind: r.kind,
      pid: r.pid,
      alive: pidAlive(r.pid),
      url: r.url,
      upstream: r.upstream,
      startedAt: new Date(r.startedAt).toISOString(),
      heartbeatAt: new Date(r.heartbeatAt).toISOString(),
    })),
  };
  return { info, quota };
}

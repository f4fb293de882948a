import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Lane, Unit } from "../plan/lanes.ts";
import { shellLine, tail } from "./artifacts.ts";
import { addCounts, zero, type Counts } from "./junit.ts";
import { runUnit, type RunContext, type UnitResult } from "./run-unit.ts";

export type LaneStatus = "passed" | "failed" | "empty" | "selects-nothing";
export type LaneResult = { lane: Lane; units: UnitResult[]; counts: Counts; status: LaneStatus; ms: number };

export type RunOptions = {
  /** Slots for `pool` lanes. */
  jobs: number;
  /** Where a failing unit of this lane leaves its diagnostics (runtime shards). */
  artifactDirFor?: (lane: Lane, unit: Unit) => string | undefined;
  print: (line: string) => void;
};

export function summaryLine(name: string, c: Counts): string {
  return `${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function reportUnit(r: UnitResult, print: (l: string) => void): void {
  const mark = r.ok ? "✓" : "✗";
  const c = r.counts;
  print(
    `  ${mark} ${r.unit.lane}/${r.unit.id} ${r.unit.label} — ${c.passed} pass, ${c.failed} fail, ${c.skipped} skip, ${secs(r.ms)}${r.problems.length ? ` — ${r.problems.join("; ")}` : ""}`,
  );
  // A quarantined case says why it is there, pass or fail: it must not be forgotten.
  if (r.unit.lane === "quarantine" && r.unit.reason) print(`      quarantined: ${r.unit.reason}`);
  if (r.ok) return;
  for (const j of r.jobs) {
    for (const f of j.failures.slice(0, 20))
      print(`      FAIL ${f.file} > ${f.name}${f.message ? ` — ${f.message.split("\n")[0]?.slice(0, 160)}` : ""}`);
    if (j.counts.failed > 0 || j.problems.length > 0) {
      print(`      $ bun ${shellLine(j.cmd.slice(1))}`);
      print(`      log: ${j.logPath}`);
    }
  }
  if (r.artifactDir) print(`      diagnostics: ${r.artifactDir}`);
}

async function printTails(r: UnitResult, print: (l: string) => void): Promise<void> {
  for (const j of r.jobs) {
    if (j.counts.failed === 0 && j.problems.length === 0) continue;
    const text = await Bun.file(j.logPath)
      .text()
      .catch(() => "");
    print(`  ┌─ ${r.unit.lane}/${r.unit.id}: last lines of ${j.logPath}`);
    for (const l of tail(text, 60).split("\n")) print(`  │ ${l}`);
    print("  └─");
  }
}

/** Runs `pool` lanes side by side in one pool of slots, then `serial` lanes one unit at a time. */
export async function runLanes(ctx: RunContext, lanes: readonly Lane[], opts: RunOptions): Promise<LaneResult[]> {
  const results = new Map<Lane, { units: UnitResult[]; ms: number }>(lanes.map((l) => [l, { units: [], ms: 0 }]));
  const failed: UnitResult[] = [];
  const done = (lane: Lane, r: UnitResult): void => {
    results.get(lane)?.units.push(r);
    reportUnit(r, opts.print);
    if (!r.ok) failed.push(r);
  };

  // Reports from an earlier run with other shards must not mix with this run's.
  for (const l of lanes)
    for (const sub of ["junit", "logs"]) await rm(join(ctx.artifacts, sub, l.name), { recursive: true, force: true });

  const pool = lanes.filter((l) => l.mode === "pool");
  const queue = pool
    .flatMap((l) => l.units.map((u) => ({ lane: l, unit: u })))
    .sort((a, b) => b.unit.weight - a.unit.weight);
  if (queue.length > 0) {
    const started = Date.now();
    opts.print(
      `▶ ${pool
        .filter((l) => l.units.length > 0)
        .map((l) => l.name)
        .join(", ")}: ${queue.length} processes, ${Math.min(opts.jobs, queue.length)} at a time`,
    );
    let next = 0;
    const worker = async (slot: number): Promise<void> => {
      for (;;) {
        const item = queue[next++];
        if (!item) return;
        done(item.lane, await runUnit(ctx, item.unit, slot, opts.artifactDirFor?.(item.lane, item.unit)));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, queue.length)) }, (_, i) => worker(i)));
    for (const l of pool) {
      const r = results.get(l);
      if (r) r.ms = Date.now() - started;
    }
  }
  for (const lane of lanes.filter((l) => l.mode === "serial")) {
    if (lane.units.length > 0) opts.print(`▶ ${lane.name}: ${lane.units.length} processes, one at a time`);
    const started = Date.now();
    for (const unit of lane.units) done(lane, await runUnit(ctx, unit, 0, opts.artifactDirFor?.(lane, unit)));
    const r = results.get(lane);
    if (r) r.ms = Date.now() - started;
  }
  for (const r of failed) await printTails(r, opts.print);

  const out: LaneResult[] = [];
  for (const lane of lanes) {
    const r = results.get(lane) ?? { units: [], ms: 0 };
    const counts = r.units.reduce((acc, u) => addCounts(acc, u.counts), zero);
    const empty = lane.units.length === 0 ? (lane.mustSelect ? "selects-nothing" : "empty") : undefined;
    const status: LaneStatus =
      empty ?? (r.units.every((u) => u.ok) && r.units.length === lane.units.length ? "passed" : "failed");
    out.push({ lane, units: r.units, counts, status, ms: r.ms });
    await mergeJunit(ctx.artifacts, lane.name, r.units);
  }
  return out;
}

/** One JUnit file per lane (`.artifacts/junit/<lane>.xml`) from its processes' reports. */
async function mergeJunit(artifacts: string, lane: string, units: readonly UnitResult[]): Promise<void> {
  const bodies: string[] = [];
  const c = units.reduce((acc, u) => addCounts(acc, u.counts), zero);
  for (const u of units) {
    for (const j of u.jobs) {
      const f = Bun.file(j.junitPath);
      if (!(await f.exists())) continue;
      const m = /<testsuites\b[^>]*>([\s\S]*)<\/testsuites>/.exec(await f.text());
      if (m?.[1]) bodies.push(m[1].trim());
    }
  }
  const ms = units.reduce((a, u) => a + u.ms, 0);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${lane}" tests="${c.passed + c.failed + c.skipped}" failures="${c.failed}" skipped="${c.skipped}" time="${(ms / 1000).toFixed(3)}">\n${bodies.join("\n")}\n</testsuites>\n`;
  await mkdir(join(artifacts, "junit"), { recursive: true });
  await Bun.write(join(artifacts, "junit", `${lane}.xml`), xml);
}

/**
 * Prints one block per lane and returns whether the blocking lanes passed. With `requireTests`
 * (bun run test, test:fast) a run where no blocking lane ran a test fails; optional lanes may be empty.
 */
export function printSummary(
  results: readonly LaneResult[],
  print: (l: string) => void,
  requireTests: boolean,
): boolean {
  print("");
  print("── lanes ──");
  let ok = true;
  let total = zero;
  for (const r of results) {
    const l = r.lane;
    const note =
      r.status === "empty"
        ? "empty: no tests assigned"
        : r.status === "selects-nothing"
          ? "FAILED: selects no tests — a suite that runs nothing proves nothing; tag cases for it in the manifest (docs/testing.md)"
          : r.status === "failed"
            ? `FAILED (${r.units
                .filter((u) => !u.ok)
                .map((u) => `${u.unit.id}: ${u.problems.join("; ") || `${u.counts.failed} failed`}`)
                .join(", ")})`
            : "ok";
    print(
      `[${l.name}] ${note}; ${r.units.length} processes, ${secs(r.ms)}${l.blocking ? "" : " — non-blocking, reported only"}`,
    );
    print(summaryLine(l.name, r.counts));
    if (!l.blocking) continue;
    total = addCounts(total, r.counts);
    if (r.status === "failed" || r.status === "selects-nothing") ok = false;
  }
  if (requireTests && total.passed + total.failed + total.skipped === 0) {
    print("no blocking lane ran any test");
    ok = false;
  }
  print(summaryLine("total", total));
  return ok;
}

export function measuredTimings(results: readonly LaneResult[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of results)
    for (const u of r.units) for (const j of u.jobs) for (const [f, ms] of j.fileMs) out.set(f, ms);
  return out;
}

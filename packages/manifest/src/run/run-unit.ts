import { closeSync, openSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Job, Unit } from "../plan/lanes.ts";
import { writeFailureArtifacts } from "./artifacts.ts";
import { makeSandbox, removeSandbox } from "./isolate.ts";
import { consoleTotals, countCases, parseJunit, zero, addCounts, type CaseResult, type Counts } from "./junit.ts";

export type JobResult = {
  job: Job;
  cmd: string[];
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
  counts: Counts;
  failures: CaseResult[];
  fileMs: Map<string, number>;
  junitPath: string;
  logPath: string;
  problems: string[];
};

export type UnitResult = {
  unit: Unit;
  slot: number;
  jobs: JobResult[];
  counts: Counts;
  ms: number;
  ok: boolean;
  timedOut: boolean;
  problems: string[];
  artifactDir?: string;
};

export type RunContext = {
  root: string;
  /** `.artifacts` folder: junit/, logs/ below it. */
  artifacts: string;
  /** The environment units start from (copied, never changed). */
  env: Record<string, string | undefined>;
  bun: string;
  keepSandboxes: boolean;
  /** Per-test timeout passed as --timeout (bunfig's value, which bun test itself ignores). */
  testTimeoutMs?: number | undefined;
};

const graceMs = 5_000;

function safe(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]/g, "_");
}

export function bunTestArgs(job: Job, junitPath: string, testTimeoutMs?: number): string[] {
  return [
    "test",
    "--no-orphans",
    ...(testTimeoutMs ? [`--timeout=${testTimeoutMs}`] : []),
    "--reporter=junit",
    `--reporter-outfile=${junitPath}`,
    ...(job.rerunEach ? [`--rerun-each=${job.rerunEach}`] : []),
    ...(job.pattern !== undefined ? ["--test-name-pattern", job.pattern] : []),
    ...(job.allowEmpty ? ["--pass-with-no-tests"] : []),
    ...job.files.map((f) => `./${f}`),
  ];
}

async function runJob(
  ctx: RunContext,
  unit: Unit,
  job: Job,
  index: number,
  env: Record<string, string>,
  deadline: number,
): Promise<JobResult> {
  const name = `${safe(unit.id)}${unit.jobs.length > 1 ? `-${index + 1}` : ""}`;
  const junitPath = join(ctx.artifacts, "junit", safe(unit.lane), `${name}.xml`);
  const logPath = join(ctx.artifacts, "logs", safe(unit.lane), `${name}.log`);
  await mkdir(join(ctx.artifacts, "junit", safe(unit.lane)), { recursive: true });
  await mkdir(join(ctx.artifacts, "logs", safe(unit.lane)), { recursive: true });
  await rm(junitPath, { force: true });
  const cmd = [ctx.bun, ...bunTestArgs(job, junitPath, ctx.testTimeoutMs)];
  const fd = openSync(logPath, "w");
  const started = performance.now();
  let timedOut = false;
  let exitCode: number | null;
  let signal: string | null = null;
  try {
    const proc = Bun.spawn({ cmd, cwd: ctx.root, env, stdin: "ignore", stdout: fd, stderr: fd });
    const left = Math.max(1_000, deadline - Date.now());
    const timer = setTimeout(() => {
      timedOut = true;
      proc.kill("SIGTERM");
      setTimeout(() => proc.kill("SIGKILL"), graceMs).unref();
    }, left);
    exitCode = await proc.exited;
    signal = proc.signalCode === null ? null : String(proc.signalCode);
    clearTimeout(timer);
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - started;
  const output = await Bun.file(logPath).text();
  const junit = Bun.file(junitPath);
  const report = (await junit.exists())
    ? parseJunit(await junit.text(), job.pattern)
    : { cases: [], fileMs: new Map<string, number>() };
  const counts = countCases(report.cases);
  const problems: string[] = [];
  const totals = consoleTotals(output);
  // Files that fail to load are missing from JUnit but counted on the console.
  if (totals.fail > counts.failed) counts.failed = totals.fail;
  if (timedOut) problems.push(`timed out after ${Math.round(ms / 1000)}s`);
  else if (signal !== null) {
    // Killed from outside (the OOM killer, a test that kills its own process group): no report.
    counts.failed += 1;
    problems.push(
      `bun test was killed by ${signal} after ${Math.round(ms / 1000)}s; the last test started is at the end of ${logPath}`,
    );
  } else if (exitCode !== 0 && counts.failed === 0) {
    counts.failed = 1;
    problems.push(`bun test exited ${exitCode}${totals.error > 0 ? ` (${totals.error} error between tests)` : ""}`);
  }
  if (counts.passed + counts.failed + counts.skipped === 0 && !job.allowEmpty && !timedOut)
    problems.push("ran zero tests");
  return {
    job,
    cmd,
    exitCode,
    timedOut,
    ms,
    counts,
    failures: report.cases.filter((c) => c.status === "failed"),
    fileMs: spreadOverhead(report.fileMs, job, ms),
    junitPath,
    logPath,
    problems,
  };
}

/**
 * Per-file cost for balancing: JUnit's test time plus an even share of load/startup time.
 * (A file run with exclusions records the cost of its parallel part, which is what gets balanced.)
 */
function spreadOverhead(fileMs: Map<string, number>, job: Job, wallMs: number): Map<string, number> {
  if (job.rerunEach || job.files.length === 0) return new Map();
  const measured = [...fileMs.values()].reduce((a, b) => a + b, 0);
  const share = Math.max(0, wallMs - measured) / job.files.length;
  return new Map(job.files.map((f) => [f, (fileMs.get(f) ?? 0) + share]));
}

/** Runs a unit's jobs one after another in one fresh sandbox. */
export async function runUnit(ctx: RunContext, unit: Unit, slot: number, artifactDir?: string): Promise<UnitResult> {
  const sandbox = await makeSandbox(ctx.env, unit.id, slot);
  const started = Date.now();
  const deadline = started + unit.timeoutMs;
  const jobs: JobResult[] = [];
  try {
    for (const [i, job] of unit.jobs.entries()) {
      if (Date.now() >= deadline) break;
      jobs.push(await runJob(ctx, unit, job, i, sandbox.env, deadline));
    }
    const counts = jobs.reduce((acc, j) => addCounts(acc, j.counts), zero);
    const timedOut = jobs.some((j) => j.timedOut) || jobs.length < unit.jobs.length;
    const problems = jobs.flatMap((j) => j.problems);
    if (jobs.length < unit.jobs.length)
      problems.push(`timed out: ${unit.jobs.length - jobs.length} job(s) never started`);
    const ranAny = counts.passed + counts.failed + counts.skipped > 0 || unit.jobs.every((j) => j.allowEmpty);
    if (!ranAny && !problems.includes("ran zero tests")) problems.push("ran zero tests");
    const result: UnitResult = {
      unit,
      slot,
      jobs,
      counts,
      ms: Date.now() - started,
      ok: counts.failed === 0 && problems.length === 0,
      timedOut,
      problems,
    };
    if (!result.ok && artifactDir) result.artifactDir = await writeFailureArtifacts(artifactDir, result, sandbox);
    return result;
  } finally {
    if (!ctx.keepSandboxes) await removeSandbox(sandbox);
  }
}

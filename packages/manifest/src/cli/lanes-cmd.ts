import { join, resolve } from "node:path";
import type { Context } from "../load.ts";
import { estimateWeights } from "../plan/balance.ts";
import {
  envParallelLane,
  everythingSerial,
  fastLane,
  serialLane,
  serialSuites,
  shardLane,
  stressLane,
  type Lane,
  type PlanInput,
} from "../plan/lanes.ts";
import { balancingTimings, fileSizes, saveTimings, timingsPath } from "../plan/timings.ts";
import { bunfigTimeout } from "../run/bunfig.ts";
import { defaultHooks, prebuild } from "../run/prebuild.ts";
import { measuredTimings, printSummary, runLanes } from "../run/run-lanes.ts";
import type { RunContext } from "../run/run-unit.ts";
import { stressSuites, type Shard } from "../schema.ts";
import { common, defaultJobs, intOption, numberOption, oneOf, parse, UsageError, wantPrebuild } from "./args.ts";
import { contextFrom, runGuard, type Print } from "./guard-cmd.ts";

type Exec = { jobs: number; requireTests: boolean; prebuild: boolean; artifactDirs?: Map<string, string> };

export async function planInput(ctx: Context): Promise<PlanInput> {
  const files = ctx.files.map((f) => f.file);
  const weights = estimateWeights(await fileSizes(ctx.root, files), await balancingTimings(ctx.root));
  return { manifest: ctx.manifest, plans: ctx.plans, claims: ctx.claims, weights };
}

/** Runs lanes with the shared reporting, timing and exit-code rules. */
export async function execute(ctx: Context, lanes: Lane[], opts: Exec, print: Print): Promise<number> {
  if (opts.prebuild) {
    print("▶ prebuild (once, before the shards)");
    if (!(await prebuild(ctx.root, defaultHooks, print))) {
      print("prebuild failed: fix the step above, or skip it with --no-prebuild");
      return 1;
    }
  }
  const run: RunContext = {
    root: ctx.root,
    artifacts: join(ctx.root, ".artifacts"),
    env: { ...process.env },
    bun: process.execPath,
    keepSandboxes: process.env.PRODEX_KEEP_SANDBOX === "1",
    testTimeoutMs: await bunfigTimeout(ctx.root),
  };
  const results = await runLanes(run, lanes, {
    jobs: opts.jobs,
    print,
    artifactDirFor: (lane) => opts.artifactDirs?.get(lane.name),
  });
  await saveTimings(
    timingsPath(ctx.root),
    measuredTimings(results.filter((r) => r.lane.mode === "pool")),
    new Set(ctx.files.map((f) => f.file)),
  );
  return printSummary(results, print, opts.requireTests) ? 0 : 1;
}

function shardArtifacts(ctx: Context, shards: readonly Shard[]): Map<string, string> {
  return new Map(shards.map((s) => [s.label, join(ctx.root, ".artifacts", "runtime", s.label)]));
}

/** The parallel lanes: `fast` plus the runtime shards (all, or the labels `--runtime-shards` lists). */
function parallelLanes(
  ctx: Context,
  input: PlanInput,
  jobs: number,
  list: string | undefined,
): { lanes: Lane[]; artifactDirs: Map<string, string> } {
  const wanted = list?.split(/[\s,]+/).filter(Boolean);
  const unknown = wanted?.filter((l) => !ctx.manifest.shards.some((s) => s.label === l)) ?? [];
  if (unknown.length > 0)
    throw new UsageError(
      `--runtime-shards: ${unknown.join(", ")} not in the manifest (known: ${shardLabels(ctx.manifest)})`,
    );
  const shards = ctx.manifest.shards.filter((s) => !wanted || wanted.includes(s.label));
  const shardLanes = shards.map((s) => shardLane(input, s));
  const reserved = shardLanes.flatMap((l) => l.units.map((u) => u.weight));
  return { lanes: [fastLane(input, jobs, reserved), ...shardLanes], artifactDirs: shardArtifacts(ctx, shards) };
}

const parallelOptions = {
  ...common,
  jobs: { type: "string" },
  prebuild: { type: "boolean" },
  "runtime-shards": { type: "string" },
} as const;

/** `bun run test:fast [--jobs N] [--prebuild|--no-prebuild] [--runtime-shards "a b"]`: fast + runtime shards. */
export async function fastCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(argv, parallelOptions, "test:fast");
  const jobs = intOption(v.jobs, "jobs", defaultJobs());
  const ctx = await contextFrom(v);
  const { lanes, artifactDirs } = parallelLanes(ctx, await planInput(ctx), jobs, v["runtime-shards"]);
  return execute(
    ctx,
    lanes,
    { jobs, requireTests: true, prebuild: wantPrebuild(v.prebuild, process.env), artifactDirs },
    print,
  );
}

const serialChoices = [...serialSuites, "quarantine", "all"] as const;

/** `bun run test:serial [--suite core|runtime|stress|env|quarantine|all]` (default: the four blocking suites). */
export async function serialCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(argv, { ...common, suite: { type: "string" } }, "test:serial");
  const ctx = await contextFrom(v);
  const input = await planInput(ctx);
  const suite = v.suite === undefined ? undefined : oneOf(v.suite, "suite", serialChoices, "all");
  const lanes =
    suite === "all"
      ? everythingSerial(input)
      : suite === undefined
        ? serialSuites.map((s) => serialLane(input, s))
        : [serialLane(input, suite)];
  return execute(ctx, lanes, { jobs: 1, requireTests: suite === "all", prebuild: false }, print);
}

/** `bun run test:runtime-shard --filter X [--label L] [--timeout-minutes M] [--artifact-dir D]` */
export async function runtimeShardCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(
    argv,
    {
      ...common,
      filter: { type: "string" },
      label: { type: "string" },
      "timeout-minutes": { type: "string" },
      "artifact-dir": { type: "string" },
    },
    "test:runtime-shard",
  );
  if (!v.filter && !v.label)
    throw new UsageError("test:runtime-shard: give --filter <path prefix> (or --label of a manifest shard)");
  const ctx = await contextFrom(v);
  const known = ctx.manifest.shards.find(
    (s) => (v.filter !== undefined && s.filter === v.filter) || (v.label !== undefined && s.label === v.label),
  );
  if (v.label && !v.filter && !known)
    throw new UsageError(
      `test:runtime-shard: no shard labelled ${v.label} in the manifest (known: ${shardLabels(ctx.manifest)})`,
    );
  const timeout = numberOption(v["timeout-minutes"], "timeout-minutes");
  const shard: Shard = known ?? {
    label: v.label ?? `filter-${(v.filter ?? "").replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "")}`,
    filter: v.filter ?? "",
    timeoutMinutes: timeout ?? 10,
  };
  const lane = shardLane(await planInput(ctx), shard, { timeoutMinutes: timeout, adhoc: !known });
  const dir = v["artifact-dir"] ? resolve(v["artifact-dir"]) : join(ctx.root, ".artifacts", "runtime", shard.label);
  print(
    `runtime shard ${shard.label}: ${shard.filter} — ${lane.units[0]?.jobs.reduce((n, j) => n + j.files.length, 0) ?? 0} files; diagnostics on failure → ${dir}`,
  );
  return execute(
    ctx,
    [lane],
    { jobs: 1, requireTests: true, prebuild: false, artifactDirs: new Map([[shard.label, dir]]) },
    print,
  );
}

/** `bun run test:stress --suite stress|serialized|continuation [--runs K] [--case ID]` */
export async function stressCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(
    argv,
    { ...common, suite: { type: "string" }, runs: { type: "string" }, case: { type: "string" } },
    "test:stress",
  );
  const suite = oneOf(v.suite, "suite", stressSuites, "stress");
  const runs = intOption(v.runs, "runs", 5, 1, 1000);
  const ctx = await contextFrom(v);
  const lane = stressLane(await planInput(ctx), suite, runs);
  if (v.case !== undefined) {
    const known = lane.units.map((u) => u.caseId);
    if (!known.includes(v.case))
      throw new UsageError(`--case: no case ${v.case} in the ${suite} suite (known: ${known.join(", ") || "none"})`);
    lane.units = lane.units.filter((u) => u.caseId === v.case);
  }
  return execute(ctx, [lane], { jobs: 1, requireTests: false, prebuild: false }, print);
}

/** `bun run test:env-parallel [--runs R] [--jobs J]` */
export async function envParallelCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(argv, { ...common, runs: { type: "string" }, jobs: { type: "string" } }, "test:env-parallel");
  const runs = intOption(v.runs, "runs", 2, 1, 100);
  const jobs = intOption(v.jobs, "jobs", 4);
  const ctx = await contextFrom(v);
  return execute(
    ctx,
    [envParallelLane(await planInput(ctx), runs)],
    { jobs, requireTests: false, prebuild: false },
    print,
  );
}

/**
 * `bun run test [--stress-runs K]`: guard, then test:fast (fast + runtime shards), the serial
 * suites (each stress case repeated K times, default 1), quarantine (non-blocking).
 */
export async function allCommand(argv: string[], print: Print): Promise<number> {
  const started = performance.now();
  const v = parse(argv, { ...parallelOptions, "stress-runs": { type: "string" } }, "test");
  const jobs = intOption(v.jobs, "jobs", defaultJobs());
  const stressRuns = intOption(v["stress-runs"], "stress-runs", 1, 1, 100);
  const ctx = await contextFrom(v);
  print("▶ guard (ci:runtime-manifest)");
  if (!runGuard(ctx, print, started)) {
    print("guard failed: fix the manifest problems above; no lane was run");
    return 1;
  }
  const input = await planInput(ctx);
  const { lanes, artifactDirs } = parallelLanes(ctx, input, jobs, v["runtime-shards"]);
  const serial = [...serialSuites.map((s) => serialLane(input, s, stressRuns)), serialLane(input, "quarantine")];
  return execute(
    ctx,
    [...lanes, ...serial],
    { jobs, requireTests: true, prebuild: wantPrebuild(v.prebuild, process.env), artifactDirs },
    print,
  );
}

/** The manifest's runtime shard labels, for an error line. */
function shardLabels(m: { shards: readonly { label: string }[] }): string {
  return m.shards.map((s) => s.label).join(", ") || "none";
}

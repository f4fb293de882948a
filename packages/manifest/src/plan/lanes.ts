import { casePattern, exclusionPattern } from "../match.ts";
import type { LaneTag, Manifest, Shard, StressSuite } from "../schema.ts";
import { balance, totalWeight, type Weights } from "./balance.ts";
import { hasParallelPart, type Claim, type FilePlan } from "./claims.ts";

/** One `bun test` process. */
export type Job = {
  files: string[];
  /** `-t` regex; undefined runs every test of the files. */
  pattern?: string;
  /** A job that only runs what exclusions left over may legitimately run nothing. */
  allowEmpty: boolean;
  rerunEach?: number;
};

/** Work for one slot: jobs run one after another with one isolated HOME/PRODEX_HOME/log dir. */
export type Unit = {
  id: string;
  lane: string;
  label: string;
  jobs: Job[];
  weight: number;
  timeoutMs: number;
  caseId?: string;
  reason?: string;
};

export type Lane = {
  name: string;
  /** A failure here fails the run (quarantine does not). */
  blocking: boolean;
  /**
   * A lane that exists for tests tagged into it (a serial suite, a stress sub-suite, env:parallel):
   * selecting none is a failure, not a green "0 passed". Quarantine may be empty.
   */
  mustSelect?: boolean;
  /** Units run side by side (`pool`) or one at a time (`serial`). */
  mode: "pool" | "serial";
  units: Unit[];
};

export const serialSuites = ["core", "runtime", "stress", "env"] as const;
export type SerialSuite = (typeof serialSuites)[number];

const suiteOf: Record<LaneTag, SerialSuite | "quarantine" | undefined> = {
  "runtime:parallel-safe": undefined,
  "core:serial": "core",
  "runtime:serial": "runtime",
  "runtime:stress": "stress",
  "runtime:env": "env",
  "runtime:quarantine": "quarantine",
};

export const reservedLanes = new Set([
  "fast",
  "quarantine",
  "guard",
  "total",
  ...serialSuites.map((s) => `serial-${s}`),
]);

const minute = 60_000;

export type PlanInput = { manifest: Manifest; plans: readonly FilePlan[]; claims: readonly Claim[]; weights: Weights };

/** Files of a parallel lane → jobs: plain files together, files with exclusions alone (their -t differs). */
function parallelJobs(plans: readonly FilePlan[]): { plain: string[]; excluded: Job[] } {
  const plain: string[] = [];
  const excluded: Job[] = [];
  for (const p of plans) {
    const pattern = exclusionPattern(p.excludeNames, p.excludeFilters);
    if (pattern === undefined) plain.push(p.file);
    else excluded.push({ files: [p.file], pattern, allowEmpty: true });
  }
  return { plain, excluded };
}

/**
 * Unit and integration files (and runtime files no shard owns) split into `jobs` balanced
 * processes; `reserved` are the weights of the shard units that share the pool.
 */
export function fastLane(input: PlanInput, jobs: number, reserved: readonly number[] = []): Lane {
  const files = input.plans.filter((p) => hasParallelPart(p) && !(p.kind === "runtime" && p.shard));
  const { plain, excluded } = parallelJobs(files);
  const units: Unit[] = balance(plain, input.weights, jobs, reserved).map((group, i) => ({
    id: `fast-${i + 1}`,
    lane: "fast",
    label: `shard ${i + 1} (${group.length} files)`,
    jobs: [{ files: group, allowEmpty: false }],
    weight: totalWeight(group, input.weights),
    timeoutMs: 15 * minute,
  }));
  excluded.forEach((job, i) => {
    units.push({
      id: `fast-x${i + 1}`,
      lane: "fast",
      label: `${job.files[0]} (minus serial cases)`,
      jobs: [job],
      weight: totalWeight(job.files, input.weights),
      timeoutMs: 15 * minute,
    });
  });
  return { name: "fast", blocking: true, mode: "pool", units: units.sort((a, b) => b.weight - a.weight) };
}

/**
 * One broad runtime shard: its files in one process (files with exclusions in their own).
 * An ad-hoc shard (a filter not in the manifest) takes every runtime file under its prefix.
 */
export function shardLane(
  input: PlanInput,
  shard: Shard,
  opts: { timeoutMinutes?: number | undefined; adhoc?: boolean } = {},
): Lane {
  const mine = (p: FilePlan): boolean =>
    opts.adhoc ? p.kind === "runtime" && p.file.startsWith(shard.filter) : p.shard?.label === shard.label;
  const files = input.plans.filter((p) => mine(p) && hasParallelPart(p));
  const { plain, excluded } = parallelJobs(files);
  const jobs: Job[] = [...(plain.length > 0 ? [{ files: plain, allowEmpty: false }] : []), ...excluded];
  const all = files.map((p) => p.file);
  const timeoutMs = (opts.timeoutMinutes ?? shard.timeoutMinutes) * minute;
  const units: Unit[] =
    jobs.length === 0
      ? []
      : [
          {
            id: shard.label,
            lane: shard.label,
            label: `${shard.filter} (${all.length} files)`,
            jobs,
            weight: totalWeight(all, input.weights),
            timeoutMs,
          },
        ];
  return { name: shard.label, blocking: true, mode: "pool", units };
}

function caseUnit(cl: Claim, lane: string, rerunEach?: number): Unit {
  const c = cl.case;
  const pattern = casePattern(c);
  return {
    id: c.id,
    lane,
    label: c.label,
    jobs: [
      {
        files: cl.sel.files,
        ...(pattern !== undefined ? { pattern } : {}),
        allowEmpty: false,
        ...(rerunEach ? { rerunEach } : {}),
      },
    ],
    weight: 0,
    timeoutMs: (rerunEach ? 5 + rerunEach : 5) * minute,
    caseId: c.id,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
}

/**
 * Serial suites (one case per process, one at a time) and the quarantine lane. `stressRuns`
 * repeats each case of the stress suite that many times (--rerun-each), as CI does.
 */
export function serialLane(input: PlanInput, suite: SerialSuite | "quarantine", stressRuns = 1): Lane {
  const claims = input.claims.filter((cl) => suiteOf[cl.lane] === suite);
  const name = suite === "quarantine" ? "quarantine" : `serial-${suite}`;
  const runs = suite === "stress" && stressRuns > 1 ? stressRuns : undefined;
  const units = claims.filter((cl) => cl.sel.files.length > 0).map((cl) => caseUnit(cl, name, runs));
  return { name, blocking: suite !== "quarantine", mustSelect: suite !== "quarantine", mode: "serial", units };
}

/** Stress sub-suite: the tagged cases, each repeated `runs` times in its own process (--rerun-each). */
export function stressLane(input: PlanInput, suite: StressSuite, runs: number): Lane {
  const claims = input.claims.filter(
    (cl) => cl.lane === "runtime:stress" && cl.case.tags.includes(suite) && cl.sel.files.length > 0,
  );
  const name = `stress-${suite}`;
  return {
    name,
    blocking: true,
    mustSelect: true,
    mode: "serial",
    units: claims.map((cl) => caseUnit(cl, name, runs)),
  };
}

/** env:parallel cases as independent processes side by side, `runs` rounds of each. */
export function envParallelLane(input: PlanInput, runs: number): Lane {
  const claims = input.claims.filter((cl) => cl.case.tags.includes("env:parallel") && cl.sel.files.length > 0);
  const units: Unit[] = [];
  for (let r = 1; r <= runs; r++)
    for (const cl of claims) units.push({ ...caseUnit(cl, "env-parallel"), id: `${cl.case.id}-run${r}` });
  return { name: "env-parallel", blocking: true, mustSelect: true, mode: "pool", units };
}

/** "Everything, one process at a time": each parallel-lane file alone, then every case. */
export function everythingSerial(input: PlanInput): Lane[] {
  const files = input.plans.filter(hasParallelPart);
  const units: Unit[] = files.map((p, i) => {
    const pattern = exclusionPattern(p.excludeNames, p.excludeFilters);
    return {
      id: `file-${i + 1}`,
      lane: "serial-all",
      label: p.file,
      jobs: [{ files: [p.file], ...(pattern !== undefined ? { pattern } : {}), allowEmpty: pattern !== undefined }],
      weight: 0,
      timeoutMs: 15 * minute,
    };
  });
  return [
    { name: "serial-all", blocking: true, mode: "serial", units },
    ...serialSuites.map((s) => serialLane(input, s)),
    serialLane(input, "quarantine"),
  ];
}

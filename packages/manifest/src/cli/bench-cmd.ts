import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { bunfigTimeout } from "../run/bunfig.ts";
import { makeSandbox, removeSandbox } from "../run/isolate.ts";
import { consoleTotals, countCases, parseJunit, type Counts } from "../run/junit.ts";
import { common, defaultJobs, intOption, parse } from "./args.ts";
import { contextFrom, type Print } from "./guard-cmd.ts";

type Sample = { ms: number; counts: Counts; exitCode: number };

const laneLine = /^([\w-]+): (\d+) passed, (\d+) failed, (\d+) skipped$/gm;

/** Sums the lane summary lines of a `bun run test` output (every lane, quarantine included; not "total"). */
export function laneCounts(output: string): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of output.matchAll(laneLine)) {
    if (m[1] === "total" || m[1] === "guard") continue;
    c.passed += Number(m[2]);
    c.failed += Number(m[3]);
    c.skipped += Number(m[4]);
  }
  return c;
}

async function timed(
  cmd: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ ms: number; out: string; exitCode: number }> {
  const started = performance.now();
  const p = Bun.spawn({ cmd, cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, exitCode] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { ms: performance.now() - started, out: `${out}\n${err}`, exitCode };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
const fmtCounts = (c: Counts): string => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

/**
 * `bun run bench:test-lanes [--jobs N] [--runs R]`: wall time of `bun run test` (lanes) against
 * every test file in one `bun test` process, and whether both pass the same number of tests.
 */
export async function benchCommand(argv: string[], print: Print): Promise<number> {
  const v = parse(argv, { ...common, jobs: { type: "string" }, runs: { type: "string" } }, "bench:test-lanes");
  const jobs = intOption(v.jobs, "jobs", defaultJobs());
  const runs = intOption(v.runs, "runs", 3, 1, 20);
  const ctx = await contextFrom(v);
  const files = ctx.files.map((f) => `./${f.file}`);
  const junit = join(ctx.root, ".artifacts", "bench", "single.xml");
  await mkdir(join(ctx.root, ".artifacts", "bench"), { recursive: true });
  const timeout = await bunfigTimeout(ctx.root);
  // Same flags the lanes use, so both sides run the same tests under the same timeout.
  const single = [
    process.execPath,
    "test",
    "--no-orphans",
    ...(timeout ? [`--timeout=${timeout}`] : []),
    "--reporter=junit",
    `--reporter-outfile=${junit}`,
    ...files,
  ];
  const lanes = [
    process.execPath,
    join(import.meta.dir, "main.ts"),
    "all",
    "--no-prebuild",
    `--jobs=${jobs}`,
    ...(v.root ? [`--root=${v.root}`] : []),
    ...(v.manifest ? [`--manifest=${v.manifest}`] : []),
  ];
  print(
    `bench: ${files.length} test files, ${runs} runs each, lanes with --jobs ${jobs}, ${navigator.hardwareConcurrency} cores`,
  );

  const sandbox = await makeSandbox({ ...process.env }, "bench-single", 0);
  const singleSamples: Sample[] = [];
  const laneSamples: Sample[] = [];
  try {
    print("  warm-up: one lanes run (records per-file timings for balancing)");
    await timed(lanes, ctx.root, sandbox.env);
    for (let i = 0; i < runs; i++) {
      const s = await timed(single, ctx.root, sandbox.env);
      const report = parseJunit(
        await Bun.file(junit)
          .text()
          .catch(() => "<testsuites/>"),
      );
      const counts = countCases(report.cases);
      counts.failed = Math.max(counts.failed, consoleTotals(s.out).fail);
      singleSamples.push({ ms: s.ms, counts, exitCode: s.exitCode });
      const l = await timed(lanes, ctx.root, sandbox.env);
      laneSamples.push({ ms: l.ms, counts: laneCounts(l.out), exitCode: l.exitCode });
      print(
        `  run ${i + 1}: single ${fmt(s.ms)} (${fmtCounts(counts)}), lanes ${fmt(l.ms)} (${fmtCounts(laneCounts(l.out))})`,
      );
    }
  } finally {
    await removeSandbox(sandbox);
  }
  const sMed = median(singleSamples.map((s) => s.ms));
  const lMed = median(laneSamples.map((s) => s.ms));
  const sLast = singleSamples.at(-1)?.counts;
  const lLast = laneSamples.at(-1)?.counts;
  const same = sLast !== undefined && lLast !== undefined && sLast.passed === lLast.passed;
  print(`single process (bun test, all files): median ${fmt(sMed)} — ${sLast ? fmtCounts(sLast) : "no run"}`);
  print(
    `lanes (bun run test --jobs ${jobs}):     median ${fmt(lMed)} — ${lLast ? fmtCounts(lLast) : "no run"} (guard included)`,
  );
  print(`speed-up ${(sMed / lMed).toFixed(2)}x; same pass count: ${same ? "yes" : "NO"}`);
  return same ? 0 : 1;
}

#!/usr/bin/env bun
// `bun run bench:startup`: how fast dist/prodex starts, next to baselines from the same run.
// Budgets: `prodex --version` ≤ 50 ms, `prodex quota --json` ≤ 150 ms (loopback mock, so the
// network is aside). Uses hyperfine when installed (apt-get install hyperfine), else its own timer.
// Flags: --runs N (default 30).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { createMockBackend, prodexEnv } from "@prodex/mock";
import { ROOT, compile, newestSource } from "./compile.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) || 30 : 30;
const BIN = join(ROOT, "dist", "prodex");

type Case = { name: string; cmd: string[]; budgetMs?: number };
/** cpuMs: user + system time, which a busy machine inflates far less than wall time. */
type Result = { name: string; medianMs: number; minMs: number; cpuMs: number | null; budgetMs?: number };

async function ownTimer(c: Case, env: Record<string, string>): Promise<Result> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const p = Bun.spawn(c.cmd, { env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    const code = await p.exited;
    if (code !== 0) throw new Error(`${c.cmd.join(" ")} exited ${code}`);
    if (i >= 3) times.push(performance.now() - started); // 3 warm-up runs
  }
  times.sort((a, b) => a - b);
  return { name: c.name, medianMs: times[Math.floor(times.length / 2)] as number, minMs: times[0] as number, cpuMs: null, budgetMs: c.budgetMs };
}

async function hyperfine(path: string, c: Case, env: Record<string, string>, dir: string): Promise<Result> {
  const out = join(dir, "hyperfine.json");
  const p = Bun.spawn([path, "-N", "--warmup", "3", "--runs", String(RUNS), "--export-json", out, c.cmd.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" ")], { env, stdout: "ignore", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`hyperfine failed for ${c.name}: ${err.trim()}`);
  const json: unknown = await Bun.file(out).json();
  const first: unknown = typeof json === "object" && json !== null && "results" in json && Array.isArray(json.results) ? json.results[0] : null;
  if (typeof first !== "object" || first === null || !("median" in first) || !("min" in first) || typeof first.median !== "number" || typeof first.min !== "number") {
    throw new Error(`hyperfine wrote no result for ${c.name}`);
  }
  const cpu = "user" in first && "system" in first && typeof first.user === "number" && typeof first.system === "number" ? (first.user + first.system) * 1000 : null;
  return { name: c.name, medianMs: first.median * 1000, minMs: first.min * 1000, cpuMs: cpu, budgetMs: c.budgetMs };
}

if (!existsSync(BIN) || statSync(BIN).mtimeMs < (await newestSource())) {
  process.stderr.write("bench: building dist/prodex first …\n");
  await compile(BIN);
}

const dir = mkdtempSync(join(tmpdir(), "prodex-bench-"));
const mock = await createMockBackend({ accounts: [{ id: "acct-bench", primary: { usedPercent: 20 } }] });
try {
  // A baseline binary: what starting any `bun build --compile` program costs here.
  writeFileSync(join(dir, "empty.ts"), "process.exitCode = 0;\n");
  const hello = join(dir, "empty-compiled");
  const built = Bun.spawn([process.execPath, "build", "--compile", join(dir, "empty.ts"), "--outfile", hello], { stdout: "ignore", stderr: "pipe" });
  if ((await built.exited) !== 0) throw new Error(`could not compile the baseline: ${await new Response(built.stderr).text()}`);

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...prodexEnv(mock, dir),
    NO_COLOR: "1",
  };
  mkdirSync(env.HOME as string, { recursive: true });
  const ctx = new Context({ env, source: "bench" });
  writeAuth(addProfile(ctx, { name: "p1" }).codexHome, mock.authFile("acct-bench"));
  ctx.close();

  const cases: Case[] = [
    { name: "baseline: bun -e 0", cmd: [process.execPath, "-e", "0"] },
    { name: "baseline: empty compiled binary", cmd: [hello] },
    { name: "prodex --help", cmd: [BIN, "--help"] },
    { name: "prodex --version", cmd: [BIN, "--version"], budgetMs: 50 },
    { name: "prodex quota --json (loopback mock)", cmd: [BIN, "quota", "--json"], budgetMs: 150 },
  ];
  const hf = Bun.which("hyperfine");
  process.stdout.write(`startup of ${BIN.replace(`${ROOT}/`, "")}: ${RUNS} runs each after 3 warm-ups, timed by ${hf ? "hyperfine" : "the bench's own timer"}; load average ${(await import("node:os")).loadavg()[0]?.toFixed(2)}\n\n`);
  const results: Result[] = [];
  for (const c of cases) results.push(hf ? await hyperfine(hf, c, env, dir) : await ownTimer(c, env));
  const width = Math.max(...results.map((r) => r.name.length));
  const base = results.find((r) => r.name === "baseline: empty compiled binary");
  for (const r of results) {
    const over = base && !r.name.startsWith("baseline") ? `  (+${(r.medianMs - base.medianMs).toFixed(1)} ms over the empty binary)` : "";
    const budget = r.budgetMs === undefined ? "" : `  budget ${r.budgetMs} ms: ${r.medianMs <= r.budgetMs ? "ok" : "OVER"}`;
    const cpu = r.cpuMs === null ? "" : `  cpu ${r.cpuMs.toFixed(1).padStart(6)} ms`;
    process.stdout.write(`${r.name.padEnd(width)}  median ${r.medianMs.toFixed(1).padStart(6)} ms  min ${r.minMs.toFixed(1).padStart(6)} ms${cpu}${over}${budget}\n`);
  }
} finally {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
}

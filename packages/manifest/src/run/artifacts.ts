import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Sandbox } from "./isolate.ts";
import type { UnitResult } from "./run-unit.ts";

const logTailLines = 400;
const outputTailLines = 200;

/** A command line a developer can paste into a shell. */
export function shellLine(cmd: readonly string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

export function tail(text: string, lines: number): string {
  const all = text.split("\n");
  return all.slice(Math.max(0, all.length - lines - 1)).join("\n");
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}

/**
 * After a failed or timed-out unit: metadata, diagnostics (commands, failures, output tail)
 * and the tail of every file in its PRODEX_RUNTIME_LOG_DIR, so CI keeps what explains it.
 */
export async function writeFailureArtifacts(dir: string, r: UnitResult, sandbox: Sandbox): Promise<string> {
  await mkdir(dir, { recursive: true });
  const logs = await listFiles(sandbox.logDir);
  const meta = {
    unit: r.unit.id,
    lane: r.unit.lane,
    label: r.unit.label,
    finishedAt: new Date().toISOString(),
    ms: r.ms,
    timedOut: r.timedOut,
    timeoutMs: r.unit.timeoutMs,
    counts: r.counts,
    problems: r.problems,
    bun: Bun.version,
    platform: `${process.platform}-${process.arch}`,
    portBase: sandbox.env.PRODEX_TEST_PORT_BASE,
    jobs: r.jobs.map((j) => ({
      files: j.job.files,
      pattern: j.job.pattern ?? null,
      command: shellLine(j.cmd),
      exitCode: j.exitCode,
      timedOut: j.timedOut,
      ms: Math.round(j.ms),
      counts: j.counts,
      junit: j.junitPath,
      log: j.logPath,
    })),
    runtimeLogs: await Promise.all(
      logs.map(async (f) => ({ file: relative(sandbox.logDir, f), bytes: (await stat(f)).size })),
    ),
  };
  await Bun.write(join(dir, "metadata.json"), `${JSON.stringify(meta, null, 2)}\n`);

  const diag: string[] = [
    `unit ${r.unit.id} (${r.unit.label}) in lane ${r.unit.lane}`,
    `problems: ${r.problems.join("; ") || "none"}`,
    "",
  ];
  for (const j of r.jobs) {
    diag.push(
      `$ ${shellLine(j.cmd)}`,
      `exit ${j.exitCode}${j.timedOut ? " (timed out)" : ""} after ${Math.round(j.ms)} ms`,
    );
    for (const f of j.failures)
      diag.push(`FAIL ${f.file} > ${f.name}${f.message ? `: ${f.message.split("\n")[0]}` : ""}`);
    diag.push(
      `--- last ${outputTailLines} lines of output ---`,
      tail(
        await Bun.file(j.logPath)
          .text()
          .catch(() => ""),
        outputTailLines,
      ),
      "",
    );
    if (await Bun.file(j.junitPath).exists())
      await copyFile(j.junitPath, join(dir, `junit-${r.jobs.indexOf(j) + 1}.xml`));
  }
  await Bun.write(join(dir, "diagnostics.txt"), diag.join("\n"));

  if (logs.length === 0) await Bun.write(join(dir, "runtime-log", "EMPTY"), "PRODEX_RUNTIME_LOG_DIR held no files.\n");
  for (const f of logs) {
    const out = join(dir, "runtime-log", `${relative(sandbox.logDir, f)}.tail`);
    await mkdir(dirname(out), { recursive: true });
    await Bun.write(out, tail(await Bun.file(f).text(), logTailLines));
  }
  return dir;
}

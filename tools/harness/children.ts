// The bench's server processes: spawned from the runner scripts, ready when they print their
// JSON line, measured through /proc (memory here, CPU in cpu-time.ts), and stopped by their own pid.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Subprocess } from "bun";

export type Child = {
  name: string;
  pid: number;
  /** The runner's ready line, parsed. */
  ready: unknown;
  stop(): Promise<void>;
};

const RUNNERS = join(import.meta.dir, "runners");

export type SpawnOptions = { args?: string[]; stdin?: string; bunFlags?: string[]; timeoutMs?: number };

/** `script` is a file in harness/runners, or an absolute path to another runner (e.g. the mock's own main.ts). */
export async function spawnRunner(name: string, script: string, options: SpawnOptions = {}): Promise<Child> {
  const path = isAbsolute(script) ? script : join(RUNNERS, script);
  const proc = Bun.spawn([process.execPath, ...(options.bunFlags ?? []), path, ...(options.args ?? [])], {
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(proc.stderr).text();
  let line: string;
  try {
    line = await firstLine(proc.stdout, options.timeoutMs ?? 15_000);
  } catch (error) {
    proc.kill("SIGKILL");
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} runner did not start (${why}): ${(await stderr).trim().slice(-500) || "no output"}`);
  }
  return { name, pid: proc.pid, ready: JSON.parse(line), stop: () => stop(proc) };
}

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes("\n")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ready line within ${timeoutMs} ms`);
      const r = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
      if (r === null) continue;
      if (r.done) throw new Error("exited before printing its ready line");
      text += dec.decode(r.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.slice(0, text.indexOf("\n"));
}

async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
  if (!exited) proc.kill("SIGKILL");
}

/** Resident and peak memory of a process, in MB (from /proc/<pid>/status); anon = heap and allocator, not mapped files. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number; anonMb: number; fileMb: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return {
    rssMb: kb("VmRSS") / 1024,
    peakMb: kb("VmHWM") / 1024,
    anonMb: kb("RssAnon") / 1024,
    fileMb: (kb("RssFile") + kb("RssShmem")) / 1024,
  };
}

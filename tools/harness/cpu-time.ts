// CPU time from /proc: a process's, a process tree's (a server and its children), and the whole machine's, so a
// bench on a shared machine can say where the CPU went and how much of it others used.
import { readFileSync, readdirSync } from "node:fs";

const USER_HZ = 100; // clock ticks per second on Linux

function statFields(pid: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) start at ") ": [1] ppid, [11] utime, [12] stime,
  // [13] cutime, [14] cstime (children waited for).
  return stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
}

const ticksMs = (fields: string[], at: number[]) => (at.reduce((n, i) => n + Number(fields[i]), 0) * 1000) / USER_HZ;

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat). */
export function cpuMsOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? ticksMs(fields, [11, 12]) : null;
}

/** Live processes by parent pid (one scan of /proc). */
export function childrenByParent(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statFields(Number(name))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    out.set(ppid, [...(out.get(ppid) ?? []), Number(name)]);
  }
  return out;
}

/**
 * CPU time of a process and all its descendants, in ms: the live ones' own time plus what each has collected from
 * children that exited (PostgreSQL's backends are children of the postmaster).
 */
export function treeCpuMsOf(pid: number, tree = childrenByParent()): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  let ms = ticksMs(fields, [11, 12, 13, 14]);
  for (const child of tree.get(pid) ?? []) ms += treeCpuMsOf(child, tree);
  return ms;
}

/** The machine's busy CPU time so far, in ms summed over all cores (/proc/stat: everything but idle and iowait). */
export function machineBusyMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  return (busy * 1000) / USER_HZ;
}

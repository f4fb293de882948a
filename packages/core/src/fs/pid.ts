import { readFileSync } from "node:fs";
import { errorCode } from "@prodex/guards";

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return errorCode(e) === "EPERM";
  }
  return !zombie(pid);
}

/**
 * A process that exited but was never reaped still answers kill(0). That is what a detached
 * broker or a crashed launch becomes where PID 1 does not reap orphans (many containers run
 * without an init), so on Linux the state in /proc decides. Elsewhere kill(0) is the answer.
 */
function zombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // "pid (command) S …": the command may hold spaces or parentheses, the state follows the last ")".
  return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
}

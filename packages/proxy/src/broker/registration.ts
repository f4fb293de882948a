import type { RuntimeRow } from "@prodex/store";
import { normalizeUpstream } from "./broker-paths.ts";

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return typeof e === "object" && e !== null && "code" in e && e.code === "EPERM";
  }
}

export const brokerRowId = (key: string, pid: number): string => `broker:${key}:${pid}`;
/** A launch attached to a broker is listed as a `proxy` runtime with this id. */
export const leaseRowId = (leaseId: string): string => `lease:${leaseId}`;

type Row = Pick<RuntimeRow, "id" | "kind" | "pid" | "url" | "upstream" | "heartbeatAt">;

/**
 * Pure: the registered brokers that may serve `upstream`, freshest first: kind broker, same
 * upstream however spelled, process alive. Whether one answers is the caller's to check.
 */
export function brokersFor<R extends Row>(rows: R[], upstream: string, alive: (pid: number) => boolean): R[] {
  const want = normalizeUpstream(upstream);
  return rows.filter((r) => r.kind === "broker" && normalizeUpstream(r.upstream) === want && alive(r.pid)).sort((a, b) => b.heartbeatAt - a.heartbeatAt);
}

import type { RuntimeRow } from "@prodex/store";
import { normalizeUpstream } from "./broker-paths.ts";

export { pidAlive } from "@prodex/core";

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
  return rows
    .filter((r) => r.kind === "broker" && normalizeUpstream(r.upstream) === want && alive(r.pid))
    .sort((a, b) => b.heartbeatAt - a.heartbeatAt);
}

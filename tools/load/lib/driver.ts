// Keeps `concurrency` requests in flight, phase by phase, until the phase's requests are sent,
// the deadline passes or `stop()` says so. Nothing here measures; `job` reports each request.
import type { Phase } from "./scenarios.ts";

export type Job<T> = (seq: number, worker: number, phase: string) => Promise<T>;
export type Stop = "requests" | "duration" | "stopped";

export async function drive<T>(
  phases: readonly Phase[],
  job: Job<T>,
  bounds: { deadline: number; stop?: () => boolean },
): Promise<{ results: T[]; stoppedBy: Stop }> {
  const results: T[] = [];
  let seq = 0;
  let stoppedBy: Stop = "requests";
  const halted = (): boolean => {
    if (performance.now() >= bounds.deadline) stoppedBy = "duration";
    else if (bounds.stop?.()) stoppedBy = "stopped";
    else return false;
    return true;
  };
  for (const phase of phases) {
    let left = phase.requests;
    const worker = async (w: number) => {
      while (left > 0 && !halted()) {
        left--;
        results.push(await job(seq++, w, phase.name));
      }
    };
    await Promise.all(Array.from({ length: phase.concurrency }, (_, w) => worker(w)));
    if (stoppedBy !== "requests") break;
  }
  return { results, stoppedBy };
}

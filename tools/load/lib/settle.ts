// Quiet moments of a run: a GC settle before a memory reading, the wait for the mock's streams
// to close, and the reading taken while slow clients sit on unread answers.
import { cpuMsOf } from "../../harness/cpu-time.ts";
import type { Backend, MockState } from "./backend.ts";
import type { RssSampler } from "./observers.ts";
import type { Target } from "./target.ts";

/** A full GC in the target (when it can be asked), twice, with time for the allocator to give pages back. */
export async function settle(target: Target, rss: RssSampler): Promise<number | null> {
  target.gc();
  await Bun.sleep(500);
  target.gc();
  await Bun.sleep(1_000);
  return rss.now();
}

export type Stall = { clients: number; heldMb: number | null; answersSent: number | null; idle: boolean };

/**
 * Slow clients: once every client of the first round has stopped reading and the target has gone
 * idle (whatever it could still push into socket buffers is pushed), two GCs in the target and its
 * RSS after each; nothing flows then, so what stays is what it holds for them. Also how many of
 * their answers the mock has sent in full (the rest it is held back on).
 */
export async function heldWhileStalled(
  t: Target,
  backend: Backend,
  rss: RssSampler,
  clients: number,
  stalled: () => number,
  stallMs: number,
): Promise<Stall | null> {
  const until = performance.now() + 30_000;
  while (stalled() < clients) {
    if (performance.now() > until) return null;
    await Bun.sleep(20);
  }
  // Leave 1.5 s of the pause for the measurement itself.
  const idleBy = performance.now() + stallMs - 1_500;
  let idle = false;
  let cpu = t.pid === null ? null : cpuMsOf(t.pid);
  while (!idle && cpu !== null && t.pid !== null && performance.now() < idleBy) {
    await Bun.sleep(200);
    const now = cpuMsOf(t.pid);
    idle = now !== null && now - cpu < 10;
    cpu = now;
  }
  t.gc();
  await Bun.sleep(500);
  const a = rss.now();
  t.gc();
  await Bun.sleep(300);
  const b = rss.now();
  const state = await backend.state().catch(() => null);
  const heldMb = a === null ? b : b === null ? a : Math.min(a, b);
  return { clients, heldMb, answersSent: state ? clients - state.activeStreams : null, idle };
}

export async function waitStreamsGone(
  backend: Backend,
  withinMs: number,
): Promise<{ state: MockState; drainMs: number | null }> {
  const t0 = performance.now();
  for (;;) {
    const state = await backend.state();
    if (state.activeStreams === 0) return { state, drainMs: performance.now() - t0 };
    if (performance.now() - t0 > withinMs) return { state, drainMs: null };
    await Bun.sleep(50);
  }
}

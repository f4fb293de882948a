/** Timers that a client abort (or the mock stopping) cancels at once. */
import type { Rng } from "./prng.ts";

/** Resolve true after `ms`, or false as soon as `signal` aborts (the timer is cleared). */
export function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A delay plus seeded jitter. */
export function delay(base: number | undefined, jitterMs: number | undefined, rng: Rng): number {
  const jitter = jitterMs && jitterMs > 0 ? rng() * jitterMs : 0;
  return Math.max(0, (base ?? 0) + jitter);
}

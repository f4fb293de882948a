export type Clock = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
};

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

export type Throttle = { request(): void; cancel(): void; flush(): void; readonly pending: boolean };

/**
 * Runs `fn` at most once per `interval` ms. The first request after a quiet period runs at once
 * (so a keystroke's echo is drawn immediately); requests during a burst coalesce into one trailing run.
 */
export function throttle(fn: () => void, interval: number, clock: Clock = realClock): Throttle {
  let last = -Infinity;
  let timer: unknown = null;
  const run = () => {
    timer = null;
    last = clock.now();
    fn();
  };
  return {
    request() {
      if (timer !== null) return;
      const wait = last + interval - clock.now();
      if (wait <= 0) run();
      else timer = clock.setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    /** Run now, dropping any pending trailing run. */
    flush() {
      if (timer !== null) clock.clearTimeout(timer);
      run();
    },
    get pending() {
      return timer !== null;
    },
  };
}

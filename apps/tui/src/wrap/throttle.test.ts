import { expect, test } from "bun:test";
import { throttle, type Clock } from "./throttle.ts";

function fakeClock() {
  let t = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const clock: Clock = {
    now: () => t,
    setTimeout: (fn, ms) => {
      timers.push({ at: t + ms, fn, id: ++id });
      return id;
    },
    clearTimeout: (x) => {
      const i = timers.findIndex((tm) => tm.id === x);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers.splice(timers.indexOf(due), 1);
      t = due.at;
      due.fn();
    }
    t = end;
  };
  return { clock, advance };
}

test("first request after idle runs immediately; a burst coalesces to one trailing run per interval", () => {
  const { clock, advance } = fakeClock();
  const runs: number[] = [];
  const th = throttle(() => runs.push(clock.now()), 16, clock);
  th.request();
  expect(runs).toEqual([0]);
  advance(2);
  th.request();
  th.request();
  advance(5);
  th.request();
  expect(runs).toEqual([0]);
  expect(th.pending).toBe(true);
  advance(10);
  expect(runs).toEqual([0, 16]);
  // Idle again: immediate.
  advance(100);
  th.request();
  expect(runs).toEqual([0, 16, 117]);
});

test("cancel drops the trailing run", () => {
  const { clock, advance } = fakeClock();
  let n = 0;
  const th = throttle(() => n++, 16, clock);
  th.request();
  th.request();
  th.cancel();
  advance(50);
  expect(n).toBe(1);
});

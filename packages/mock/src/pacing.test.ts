import { expect, test } from "bun:test";
import { delay, wait } from "./pacing.ts";
import { seeded } from "./prng.ts";

test("wait resolves true after the delay, false at once on abort", async () => {
  expect(await wait(5, new AbortController().signal)).toBe(true);
  const ctl = new AbortController();
  const started = performance.now();
  const pending = wait(10_000, ctl.signal);
  ctl.abort();
  expect(await pending).toBe(false);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(await wait(10, ctl.signal)).toBe(false);
});

test("delay adds seeded jitter within bounds", () => {
  const rng = seeded(9);
  for (let i = 0; i < 100; i++) {
    const d = delay(10, 5, rng);
    expect(d).toBeGreaterThanOrEqual(10);
    expect(d).toBeLessThan(15);
  }
  expect(delay(undefined, undefined, rng)).toBe(0);
});

import { describe, expect, test } from "bun:test";
import { added, percentile, summarize } from "./stats.ts";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  test.each([
    [0.5, 50],
    [0.99, 99],
    [1, 100],
    [0, 1],
  ])("p%d of 1..100 is %d", (p, want) => expect(percentile(hundred, p)).toBe(want));
  test("one sample is every percentile", () => expect(percentile([7], 0.99)).toBe(7));
  test("empty is NaN", () => expect(percentile([], 0.5)).toBeNaN());
});

describe("summarize", () => {
  test("sorts a copy and reports n, p50, p99, max, mean", () => {
    const samples = [5, 1, 3, 2, 4];
    expect(summarize(samples)).toEqual({ n: 5, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 3, 2, 4]);
  });
  test("added latency is the difference of percentiles", () => {
    const base = summarize([1, 1, 1, 2]);
    const slow = summarize([1.5, 1.5, 1.5, 4]);
    expect(added(slow, base)).toEqual({ p50: 0.5, p99: 2 });
  });
});

import { describe, expect, test } from "bun:test";
import { balance, estimateWeights, totalWeight } from "./balance.ts";

describe("balance", () => {
  const w = new Map([
    ["a", 10],
    ["b", 7],
    ["c", 5],
    ["d", 4],
    ["e", 3],
    ["f", 1],
  ]);
  const files = [...w.keys()];

  test("heaviest first into the lightest bin", () => {
    const bins = balance(files, w, 2);
    expect(bins.map((b) => totalWeight(b, w)).sort()).toEqual([15, 15]);
    expect(bins.flat().sort()).toEqual(files);
  });
  test("work already bound for the slots is balanced against", () => {
    // A 15 ms runtime shard takes one slot's head start: 15 + (5 + 3) against 10 + 7 + 4 + 1.
    expect(balance(files, w, 2, [15])).toEqual([
      ["c", "e"],
      ["a", "b", "d", "f"],
    ]);
    // A shard heavier than everything: all files go to the other slot.
    expect(balance(files, w, 2, [100])).toEqual([files]);
  });
  test("never more bins than files, at least one", () => {
    expect(balance(["a", "b"], w, 8).length).toBe(2);
    expect(balance(files, w, 0).length).toBe(1);
    expect(balance([], w, 4)).toEqual([]);
  });
  test("deterministic", () => {
    expect(balance(files, w, 3)).toEqual(balance([...files].reverse(), w, 3));
  });
});

describe("estimateWeights", () => {
  test("recorded timings win; others scale size by the median ms per byte", () => {
    const sizes = new Map([
      ["a", 1000],
      ["b", 2000],
      ["new", 4000],
    ]);
    const timings = new Map([
      ["a", 100],
      ["b", 200],
    ]);
    const out = estimateWeights(sizes, timings);
    expect(out.get("a")).toBe(100);
    expect(out.get("new")).toBeCloseTo(15 + 400, 5);
  });
  test("no timings yet: size in KiB plus a fixed per-file cost", () => {
    expect(estimateWeights(new Map([["x", 2048]]), new Map()).get("x")).toBeCloseTo(17, 5);
  });
});

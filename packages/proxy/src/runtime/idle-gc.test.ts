import { describe, expect, test } from "bun:test";
import { IdleCollector } from "./idle-gc.ts";

function world(inFlight = 0) {
  const w = { t: 0, inFlight, collections: 0 };
  const gc = new IdleCollector({
    inFlight: () => w.inFlight,
    quietMs: 1_000,
    collect: () => w.collections++,
    now: () => w.t,
  });
  return { w, gc };
}

describe("IdleCollector", () => {
  test.each([
    // [what, traffic at, in flight, checked at, collects]
    ["no traffic yet: nothing to give back", null, 0, 5_000, false],
    ["quiet long enough after traffic", 0, 0, 1_000, true],
    ["not quiet long enough", 0, 0, 999, false],
    ["quiet, but a stream is still in flight", 0, 1, 10_000, false],
  ] as const)("%s", (_, at, inFlight, checkAt, collects) => {
    const { w, gc } = world(inFlight);
    if (at !== null) {
      w.t = at;
      gc.touch();
    }
    w.t = checkAt;
    expect(gc.check()).toBe(collects);
    expect(w.collections).toBe(collects ? 1 : 0);
  });

  test("once per quiet spell: again only after new traffic", () => {
    const { w, gc } = world();
    gc.touch();
    w.t = 2_000;
    expect(gc.check()).toBe(true);
    w.t = 10_000;
    expect(gc.check()).toBe(false);
    gc.touch();
    w.t = 10_500;
    expect(gc.check()).toBe(false);
    w.t = 11_000;
    expect(gc.check()).toBe(true);
    expect(w.collections).toBe(2);
  });

  test("a stream that ends lets the quiet spell count from the last traffic", () => {
    const { w, gc } = world(1);
    gc.touch();
    w.t = 5_000;
    expect(gc.check()).toBe(false);
    w.inFlight = 0;
    expect(gc.check()).toBe(true);
  });
});

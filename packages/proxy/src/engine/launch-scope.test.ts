import { describe, expect, test } from "bun:test";
import { type LaunchScope, mayRotate, stayOn } from "./launch-scope.ts";

const scope = (autoRotate: boolean, profile: string | null = "p1"): LaunchScope => ({
  id: "l",
  profile,
  autoRotate,
  models: null,
});

describe("stayOn", () => {
  test.each([
    ["no scope", undefined, null],
    ["rotating launch", scope(true), null],
    ["held launch", scope(false), "p1"],
    ["held launch without a profile", scope(false, null), null],
  ] as const)("%s", (_, s, want) => expect(stayOn(s)).toBe(want));
});

describe("mayRotate", () => {
  test.each([
    [true, undefined, true],
    [true, scope(true), true],
    [true, scope(false), false],
    [false, scope(true), false],
    [false, undefined, false],
  ] as const)("pool %p, scope %p → %p", (pool, s, want) => expect(mayRotate({ autoRotate: pool }, s)).toBe(want));
});

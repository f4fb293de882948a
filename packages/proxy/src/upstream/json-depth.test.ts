import { expect, test } from "bun:test";
import { nestsDeeperThan } from "./json-depth.ts";

const nested = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

test.each([
  ["flat", '{"a":1,"b":[1,2]}', 2, false],
  ["exactly at the limit", nested(3), 3, false],
  ["one past the limit", nested(4), 3, true],
  ["arrays count too", "[[[[]]]]", 3, true],
  ["brackets inside strings do not count", '{"a":"[[[[{{{{"}', 1, false],
  ["an escaped quote does not end the string", '{"a":"\\"[[[["}', 1, false],
  ["siblings do not add up", "[[1],[2],[3],[4]]", 2, false],
  ["20 000 deep", nested(20_000), 512, true],
] as const)("nestsDeeperThan: %s", (_what, text, limit, want) => {
  expect(nestsDeeperThan(text, limit)).toBe(want);
});

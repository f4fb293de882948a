import { expect, test } from "bun:test";
import { csvField, totalsCsv } from "./ledger-csv.ts";

test.each([
  ["plain", "plain"],
  ["a,b", '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ["two\nlines", '"two\nlines"'],
  [42, "42"],
  [null, ""],
] as const)("field %j → %s", (value, out) => {
  expect(csvField(value)).toBe(out);
});

test("totals: a header, then one line per group", () => {
  const t = {
    group: "ci,bot",
    requests: 2,
    errors: 0,
    inputTokens: 10,
    cachedTokens: 0,
    outputTokens: 5,
    reasoningTokens: 1,
    totalTokens: 15,
    rotations: 1,
  };
  expect(totalsCsv("key", [t]).split("\n")).toEqual([
    "key,requests,errors,inputTokens,cachedTokens,outputTokens,reasoningTokens,totalTokens,rotations",
    '"ci,bot",2,0,10,0,5,1,15,1',
  ]);
});

import { describe, expect, test } from "bun:test";
import { asArray, asNumber, asRecord, asString, isRecord, parseJson } from "./json-guards.ts";

const values: [string, unknown][] = [
  ["object", { a: 1 }],
  ["empty object", {}],
  ["array", [1]],
  ["null", null],
  ["undefined", undefined],
  ["string", "x"],
  ["empty string", ""],
  ["number", 3],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["boolean", true],
];

describe("json guards", () => {
  const expected: Record<string, { record: boolean; string: boolean; number: boolean; array: boolean }> = {
    object: { record: true, string: false, number: false, array: false },
    "empty object": { record: true, string: false, number: false, array: false },
    array: { record: false, string: false, number: false, array: true },
    null: { record: false, string: false, number: false, array: false },
    undefined: { record: false, string: false, number: false, array: false },
    string: { record: false, string: true, number: false, array: false },
    "empty string": { record: false, string: true, number: false, array: false },
    number: { record: false, string: false, number: true, array: false },
    NaN: { record: false, string: false, number: false, array: false },
    Infinity: { record: false, string: false, number: false, array: false },
    boolean: { record: false, string: false, number: false, array: false },
  };
  test.each(values)("%s", (name, v) => {
    const want = expected[name];
    if (!want) throw new Error(`no expectation for ${name}`);
    expect(isRecord(v)).toBe(want.record);
    expect(asRecord(v) as unknown).toBe(want.record ? v : undefined);
    expect(asString(v)).toBe(want.string ? (v as string) : undefined);
    expect(asNumber(v)).toBe(want.number ? (v as number) : undefined);
    expect(asArray(v)).toEqual(want.array ? (v as unknown[]) : []);
  });

  test.each([
    ['{"a":1}', { a: 1 }],
    ["[1,2]", [1, 2]],
    ['"s"', "s"],
    ["null", null],
    ["", undefined],
    ["<html>502</html>", undefined],
    ['{"a":', undefined],
  ])("parseJson(%p)", (text, want) => {
    expect(parseJson(text)).toEqual(want);
  });
});

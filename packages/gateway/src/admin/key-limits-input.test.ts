import { describe, expect, test } from "bun:test";
import { limitChange, limitText, limitsFromFlags, limitsFromJson, parseLimit } from "./key-limits-input.ts";

const none = { rpm: null, tokensPerDay: null, maxShare: null };

describe("key limits from flags", () => {
  test.each([
    ["--rpm", "30", 30],
    ["--rpm", "none", null],
    ["--tokens-per-day", "2000000", 2_000_000],
    ["--max-share", "0.4", 0.4],
    ["--max-share", "1", 1],
    ["--max-share", "40%", 0.4],
    ["--max-share", "none", null],
  ] as const)("%s %s → %p", (flag, value, want) => {
    expect(parseLimit(flag, value)).toBe(want);
  });

  test.each([
    ["--rpm", "0", '--rpm must be a whole number above 0, or none; got "0"'],
    ["--rpm", "1.5", "--rpm must be a whole number above 0"],
    ["--rpm", "", "--rpm must be a whole number above 0"],
    ["--tokens-per-day", "-5", "--tokens-per-day must be a whole number above 0"],
    ["--max-share", "0", '--max-share must be a fraction above 0 and at most 1 (like 0.4), or none; got "0"'],
    ["--max-share", "1.5", "--max-share must be a fraction above 0 and at most 1"],
    ["--max-share", "140%", "--max-share must be a fraction above 0 and at most 1"],
    ["--max-share", "lots", "--max-share must be a fraction above 0 and at most 1"],
  ] as const)("%s %p is refused in one line", (flag, value, message) => {
    expect(() => parseLimit(flag, value)).toThrow(message);
  });

  test("a flag left out stays as it is", () => {
    expect(limitsFromFlags({ maxShare: "0.25" })).toEqual({ maxShare: 0.25 });
    expect(limitsFromFlags({ rpm: "none", tokensPerDay: "10" })).toEqual({ rpm: null, tokensPerDay: 10 });
    expect(limitsFromFlags({})).toEqual({});
  });
});

describe("key limits from an admin route's JSON", () => {
  test.each([
    [{ maxShare: 0.4 }, { maxShare: 0.4 }],
    [
      { rpm: null, tokensPerDay: 5 },
      { rpm: null, tokensPerDay: 5 },
    ],
    [{}, {}],
  ] as const)("%j → %j", (body, want) => {
    expect(limitsFromJson(body)).toEqual(want);
  });

  test.each([
    [{ maxShare: 2 }, "maxShare must be a fraction above 0 and at most 1 (like 0.4), or null to lift it"],
    [{ rpm: "30" }, "rpm must be a whole number above 0, or null to lift it"],
    [{ tokensPerDay: 0.5 }, "tokensPerDay must be a whole number above 0"],
    [{ burst: 3 }, "burst: not a key limit"],
    [[1], "the body: not a key limit"],
  ] as const)("%j is refused in one line", (body, message) => {
    expect(() => limitsFromJson(body)).toThrow(message);
  });
});

describe("key limits in words", () => {
  test.each([
    [none, "no limits"],
    [{ ...none, rpm: 30 }, "30 rpm"],
    [{ rpm: 30, tokensPerDay: 1000, maxShare: 0.4 }, "30 rpm, 1000 tokens/day, max 40% of the weekly room"],
    [{ ...none, maxShare: 1 / 3 }, "max 33.33% of the weekly room"],
  ] as const)("%j: %s", (limits, text) => {
    expect(limitText(limits)).toBe(text);
  });

  test.each([
    [none, { ...none, maxShare: 0.4 }, "max-share none → 0.4"],
    [{ ...none, rpm: 30 }, { ...none, rpm: null, tokensPerDay: 5 }, "rpm 30 → none, tokens-per-day none → 5"],
    [none, none, "no change"],
  ] as const)("change %j → %j: %s", (before, after, text) => {
    expect(limitChange(before, after)).toBe(text);
  });
});

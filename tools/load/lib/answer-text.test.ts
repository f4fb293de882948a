import { describe, expect, test } from "bun:test";
import { checkText, indexedReply, minChunkSize, token } from "./answer-text.ts";

describe("indexed reply", () => {
  test("each delta carries its index, padded to the delta size", () => {
    expect(token(7, 6)).toBe("<7>---");
    expect(indexedReply(3, 4)).toBe("<0>-<1>-<2>-");
    expect(minChunkSize(64)).toBe(4);
    expect(() => indexedReply(64, 3)).toThrow("cannot hold");
  });

  const size = 5;
  const whole = indexedReply(4, size);
  const cases: { name: string; text: string; tokens: number; violations: number; whole: boolean }[] = [
    { name: "complete and in order", text: whole, tokens: 4, violations: 0, whole: true },
    {
      name: "a prefix (client left early)",
      text: whole.slice(0, 2 * size + 3),
      tokens: 3,
      violations: 0,
      whole: false,
    },
    {
      name: "two deltas swapped",
      text: token(0, size) + token(2, size) + token(1, size) + token(3, size),
      tokens: 4,
      violations: 3,
      whole: false,
    },
    {
      name: "one delta lost",
      text: token(0, size) + token(1, size) + token(3, size),
      tokens: 3,
      violations: 1,
      whole: false,
    },
    {
      name: "one delta twice",
      text: token(0, size) + token(1, size) + token(1, size) + token(2, size) + token(3, size),
      tokens: 5,
      violations: 1,
      whole: false,
    },
    { name: "does not start at 0", text: token(1, size) + token(2, size), tokens: 2, violations: 1, whole: false },
    { name: "altered filler", text: whole.replace("<2>--", "<2>-x"), tokens: 4, violations: 0, whole: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(checkText(c.text, 4, size)).toEqual({ tokens: c.tokens, violations: c.violations, whole: c.whole });
    });
  }
});

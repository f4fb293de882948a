import { describe, expect, test } from "bun:test";
import { printable } from "./profile-bundle.ts";

describe("printable", () => {
  const cases: [string, string, string][] = [
    ["a plain name", "work-2", "work-2"],
    ["NUL", "nul\u0000byte", "nul\\u{0}byte"],
    ["newline (would break the one-line report)", "a\nb", "a\\u{a}b"],
    ["terminal escape", "\u001b[31mred", "\\u{1b}[31mred"],
    ["Cyrillic lookalike", "\u0440ro", "\\u{440}ro"],
    ["right-to-left override", "a\u202eb", "a\\u{202e}b"],
    ["astral character", "x😀", "x\\u{1f600}"],
  ];
  for (const [why, name, want] of cases) test(why, () => expect(printable(name)).toBe(want));
});

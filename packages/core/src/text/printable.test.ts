import { describe, expect, test } from "bun:test";
import { printable, printableAscii } from "./printable.ts";

describe("printable", () => {
  const cases: [string, string, string][] = [
    ["plain text", "p1 → p2: usage limit", "p1 → p2: usage limit"],
    ["terminal escape", "\u001b[2J\u001b]0;pwned\u0007", "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"],
    ["newline and carriage return", "a\nb\rc", "a\\u{a}b\\u{d}c"],
    ["C1 control (8-bit CSI)", "x\u009b31m", "x\\u{9b}31m"],
    ["right-to-left override", "a\u202eb", "a\\u{202e}b"],
    ["bidi isolate", "a\u2067b", "a\\u{2067}b"],
    ["non-ASCII letters and emoji stay", "héllo 世界 😀", "héllo 世界 😀"],
  ];
  for (const [why, text, want] of cases) test(why, () => expect(printable(text)).toBe(want));
});

describe("printableAscii", () => {
  const cases: [string, string, string][] = [
    ["a plain name", "work-2", "work-2"],
    ["NUL", "nul\u0000byte", "nul\\u{0}byte"],
    ["newline (would break the one-line report)", "a\nb", "a\\u{a}b"],
    ["terminal escape", "\u001b[31mred", "\\u{1b}[31mred"],
    ["Cyrillic lookalike", "\u0440ro", "\\u{440}ro"],
    ["right-to-left override", "a\u202eb", "a\\u{202e}b"],
    ["astral character", "x😀", "x\\u{1f600}"],
  ];
  for (const [why, name, want] of cases) test(why, () => expect(printableAscii(name)).toBe(want));
});

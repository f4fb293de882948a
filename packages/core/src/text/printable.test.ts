import { expect, test } from "bun:test";
import { printable, printableAscii } from "./printable.ts";

// `printable` for messages (steering characters only), `printableAscii` for names.
const fns = { printable, printableAscii };
const cases: [keyof typeof fns, string, string, string][] = [
  ["printable", "plain text", "p1 → p2: usage limit", "p1 → p2: usage limit"],
  ["printable", "terminal escape", "\u001b[2J\u001b]0;pwned\u0007", "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"],
  ["printable", "newline and carriage return", "a\nb\rc", "a\\u{a}b\\u{d}c"],
  ["printable", "C1 control (8-bit CSI)", "x\u009b31m", "x\\u{9b}31m"],
  ["printable", "right-to-left override", "a\u202eb", "a\\u{202e}b"],
  ["printable", "bidi isolate", "a\u2067b", "a\\u{2067}b"],
  ["printable", "non-ASCII letters and emoji stay", "héllo 世界 😀", "héllo 世界 😀"],
  ["printableAscii", "a plain name", "work-2", "work-2"],
  ["printableAscii", "NUL", "nul\u0000byte", "nul\\u{0}byte"],
  ["printableAscii", "newline (would break the one-line report)", "a\nb", "a\\u{a}b"],
  ["printableAscii", "terminal escape", "\u001b[31mred", "\\u{1b}[31mred"],
  ["printableAscii", "Cyrillic lookalike", "\u0440ro", "\\u{440}ro"],
  ["printableAscii", "right-to-left override", "a\u202eb", "a\\u{202e}b"],
  ["printableAscii", "astral character", "x😀", "x\\u{1f600}"],
];

test.each(cases)("%s: %s", (fn, _why, text, want) => expect(fns[fn](text)).toBe(want));

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { seeded } from "@prodex/mock";
import { isJson } from "./json-syntax.ts";

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("isJson", () => {
  const cases: [string, string, boolean][] = [
    ["an object", '{"a":1,"b":[true,false,null],"c":{"d":"e"}}', true],
    ["empty containers", '{"a":{},"b":[]}', true],
    ["whitespace everywhere", ' \n\t{ "a" : [ 1 , 2 ] }\r\n ', true],
    ["scalars at the top", '"hi"', true],
    ["numbers", "[0,-0,1.5,-2e10,3E+2,4e-3,12345678901234567890]", true],
    ["escapes", '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"]', true],
    ["non-ASCII text", '{"k":"héllo — 世界 😀"}', true],
    ["deep nesting", `${"[".repeat(10_000)}${"]".repeat(10_000)}`, true],
    ["empty", "", false],
    ["only whitespace", "  ", false],
    ["unquoted key", "{a:1}", false],
    ["single quotes", "{'a':1}", false],
    ["trailing comma in an object", '{"a":1,}', false],
    ["trailing comma in an array", "[1,]", false],
    ["missing colon", '{"a" 1}', false],
    ["missing value", '{"a":}', false],
    ["two values", "{} {}", false],
    ["unclosed object", '{"a":1', false],
    ["unclosed string", '{"a":"b}', false],
    ["mismatched close", '{"a":[1}', false],
    ["stray close", "[1]]", false],
    ["leading zero", "[01]", false],
    ["bare dot", "[1.]", false],
    ["bare exponent", "[1e]", false],
    ["plus sign", "[+1]", false],
    ["NaN", "[NaN]", false],
    ["raw control character in a string", '["a\nb"]', false],
    ["bad escape", '["\\x41"]', false],
    ["short unicode escape", '["\\u12"]', false],
    ["truncated literal", "[tru]", false],
    ["comment", '{"a":1 /* no */}', false],
    ["byte order mark", '\uFEFF{"a":1}', false],
  ];
  for (const [why, text, valid] of cases) {
    test(why, () => {
      expect(isJson(text)).toBe(valid);
      // The point of the module: the same answer as JSON.parse.
      expect(parses(text)).toBe(valid);
    });
  }

  test("agrees with JSON.parse on thousands of mutated Codex requests", () => {
    const fixture = readFileSync(join(import.meta.dir, "../../test/fixtures/responses/codex-request.json"), "utf8");
    // A real request cut to a few KB: a message, a tool with its schema, and the scalars around them.
    const body = (JSON.parse(fixture) as { body: { input: unknown[]; tools: unknown[] } }).body;
    const base = JSON.stringify({ ...body, input: body.input.slice(-1), tools: body.tools.slice(0, 1) });
    const random = seeded(0x150);
    const pieces = [
      '"',
      "\\",
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      " ",
      "\n",
      "0",
      "-",
      ".",
      "e",
      "t",
      "n",
      "\u00e9",
      "\\u",
      "\u0001",
    ];
    let valid = 0;
    for (let i = 0; i < 4000; i++) {
      let text = base;
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const piece = pieces[Math.floor(random() * pieces.length)] ?? "";
        const kind = random();
        text =
          kind < 0.33
            ? text.slice(0, at) + text.slice(at + 1)
            : kind < 0.66
              ? text.slice(0, at) + piece + text.slice(at)
              : text.slice(0, at) + piece + text.slice(at + 1);
      }
      const expected = parses(text);
      if (isJson(text) !== expected)
        throw new Error(`isJson disagrees with JSON.parse (${expected}) on: ${JSON.stringify(text)}`);
      if (expected) valid++;
    }
    // Both outcomes were exercised, not only one.
    expect(valid).toBeGreaterThan(50);
    expect(valid).toBeLessThan(3950);
  });
});

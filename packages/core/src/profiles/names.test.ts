import { describe, expect, test } from "bun:test";
import { UsageError } from "../errors.ts";
import { nameFromEmail, validateProfileName } from "./names.ts";

describe("validateProfileName", () => {
  const valid = ["a", "main", "Work-2", "p1", "me.work", "a_b-c.d", "9lives", "x".repeat(64), "a.b.c", "trailing."];
  for (const name of valid) test(`valid: ${JSON.stringify(name)}`, () => expect(validateProfileName(name)).toBe(name));

  const invalid: [string, string][] = [
    ["", "empty"],
    ["x".repeat(65), "65 chars"],
    ["..", "parent dir"],
    ["../x", "path escape"],
    ["a/../../b", "nested escape"],
    ["a..b", "double dot inside"],
    ["a/b", "slash"],
    ["/abs", "absolute"],
    ["a\\b", "backslash"],
    [".", "dot"],
    [".hidden", "leading dot"],
    ["-rf", "leading dash (looks like a flag)"],
    ["_x", "leading underscore"],
    ["has space", "space"],
    ["tab\tname", "tab"],
    ["line\nbreak", "newline"],
    ["nul\u0000byte", "NUL byte"],
    ["café", "non-ASCII letter"],
    ["日本", "CJK"],
    ["emoji😀", "emoji"],
    ["a:b", "colon"],
    ["a*", "glob"],
    ["~", "tilde"],
    ["\u0440ro", "Cyrillic lookalike of p"],
    ["\uff50\uff11", "fullwidth lookalikes"],
    ["a\u200bb", "zero-width space"],
    ["a\u2024b", "one-dot leader (looks like '.')"],
    ["a\u2215b", "division slash (looks like '/')"],
  ];
  for (const [name, why] of invalid) {
    test(`invalid (${why}): ${JSON.stringify(name)}`, () => {
      let err: unknown = null;
      try {
        validateProfileName(name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      const e = err as UsageError;
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(`invalid profile name ${JSON.stringify(name)}`);
      // One line even for names holding control characters: JSON.stringify escapes them.
      expect(e.message).not.toContain("\n");
      expect(e.hint).toContain("1–64");
    });
  }
});

describe("nameFromEmail", () => {
  const cases: [string | null, string][] = [
    ["alice@example.com", "alice"],
    ["first.last@example.com", "first.last"],
    ["a+tag@example.com", "a-tag"],
    ["..dots@example.com", "dots"],
    ["a..b@example.com", "a.b"],
    ["-x@example.com", "x"],
    ["café@example.com", "caf-"],
    ["日本@example.com", "default"],
    ["@example.com", "default"],
    [null, "default"],
    [`${"y".repeat(80)}@example.com`, "y".repeat(64)],
  ];
  for (const [email, want] of cases) {
    test(`${email} → ${want}`, () => {
      const got = nameFromEmail(email);
      expect(got).toBe(want);
      // Whatever it derives must itself be a valid name.
      expect(validateProfileName(got)).toBe(got);
    });
  }
});

import { expect, test } from "bun:test";
import { UpstreamError, UsageError } from "@prodex/core";
import { report } from "./run-program.ts";

test.each([
  [
    "a usage error: the line and its hint, exit 1",
    new UsageError("no profile named x", "see: prodex profile list"),
    1,
    "prodex: no profile named x\n  → see: prodex profile list\n",
  ],
  [
    "upstream text stays on one line and cannot drive the terminal",
    new UpstreamError("usage endpoint said: \u001b]0;owned\u0007\nfake line"),
    3,
    "prodex: usage endpoint said: \\u{1b}]0;owned\\u{7}\\u{a}fake line\n",
  ],
  [
    "a database another process kept busy is local state, exit 4",
    Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }),
    4,
    "prodex: database busy, retry in a moment\n  → another prodex process",
  ],
  ["an unexpected error is one line too", new Error("boom\r\n"), 1, "prodex: unexpected error: boom\\u{d}\\u{a}\n"],
] as const)("report: %s", (_why, error, code, start) => {
  let written = "";
  expect(report(error, (text) => void (written += text))).toBe(code);
  expect(written.startsWith(start)).toBe(true);
});

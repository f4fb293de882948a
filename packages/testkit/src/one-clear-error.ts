import { expect } from "bun:test";
import type { RunResult } from "./cli-env.ts";

/**
 * A user mistake as docs/exit-codes.md promises it: the exit code, `prodex: <what>` on stderr and at
 * most one `  → <what to do>` line after it; never a stack trace or "unexpected error".
 */
export function oneClearError(r: RunResult, code: number, message: RegExp, what = ""): void {
  const context = `${what}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, context).toBe(code);
  expect(r.stderr, context).not.toContain("    at ");
  expect(r.stderr, context).not.toContain("unexpected error");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0], context).toMatch(/^prodex: /);
  expect(lines[0], context).toMatch(message);
  expect(lines.length, context).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1], context).toMatch(/^ {2}→ \S/);
}

import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "bun:test";
import type { RunResult } from "@prodex/testkit/cli-env";

export const FAKE_CODEX = join(import.meta.dir, "../../apps/cli/test/fixtures/fake-codex.sh");

/** One clear line on stderr (an optional "  → hint" after it), never a stack, the given exit code. */
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

/** Every path under `root` (relative, symlinks not followed), for before/after comparisons. */
export function tree(root: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      out.add(relative(root, path));
      if (lstatSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((p) => !before.has(p)).sort();
}

/** Permission bits of a path, as "0600". */
export function mode(path: string): string {
  return `0${(lstatSync(path).mode & 0o777).toString(8)}`;
}

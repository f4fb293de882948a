import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** Where a test file sits in the repo layout (see docs/testing.md). */
export type FileKind = "unit" | "integration" | "runtime" | "e2e";

/** The same names `bun test` picks up. */
const testFile = /(\.|_)(test|spec)\.(ts|tsx|js|jsx|mts|cts|mjs|cjs)$/;
const skipDirs = new Set(["node_modules", "dist", "coverage"]);

export function isTestFile(path: string): boolean {
  return testFile.test(path);
}

/** Classifies a repo-relative test file path. */
export function fileKind(path: string, runtimeDir: string): FileKind {
  if (isUnder(path, runtimeDir)) return "runtime";
  if (path.startsWith("tests/e2e/")) return "e2e";
  if (/^(packages|apps)\/[^/]+\/src\//.test(path) || path.startsWith("scripts/")) return "unit";
  return "integration";
}

export function isUnder(path: string, dir: string): boolean {
  const d = dir.endsWith("/") ? dir : `${dir}/`;
  return path.startsWith(d);
}

/** Every test file under `root`, repo-relative and sorted; skips dot-folders and node_modules. */
export async function findTestFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name.startsWith(".") || skipDirs.has(e.name)) continue;
        await walk(p);
      } else if (e.isFile() && isTestFile(e.name)) out.push(p);
    }
  }
  await walk("");
  return out.sort();
}

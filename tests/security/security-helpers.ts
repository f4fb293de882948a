import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

export const FAKE_CODEX = join(import.meta.dir, "../../apps/cli/test/fixtures/fake-codex.sh");

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

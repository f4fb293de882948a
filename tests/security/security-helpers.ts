import { lstatSync } from "node:fs";
import { join } from "node:path";
import { walkTree } from "@prodex/testkit/file-tree";

export const FAKE_CODEX = join(import.meta.dir, "../../apps/cli/test/fixtures/fake-codex.sh");

/** Every path under `root` (relative, symlinks not followed), for before/after comparisons. */
export function tree(root: string): Set<string> {
  const out = new Set<string>();
  walkTree(root, ({ rel }) => void out.add(rel));
  return out;
}

export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((p) => !before.has(p)).sort();
}

/** Permission bits of a path, as "0600". */
export function mode(path: string): string {
  return `0${(lstatSync(path).mode & 0o777).toString(8)}`;
}

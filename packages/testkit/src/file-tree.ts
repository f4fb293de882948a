import { type Stats, lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

export type TreeEntry = { path: string; rel: string; stat: Stats };

/**
 * Every entry under `root`, depth first, symlinks reported but never followed (a profile's shared
 * state is links into other folders). `visit` returning false keeps the walk out of a folder.
 * A missing or unreadable folder is an empty one.
 */
export function walkTree(root: string, visit: (entry: TreeEntry) => boolean | void): void {
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (visit({ path, rel: relative(root, path), stat }) !== false && stat.isDirectory()) walk(path);
    }
  };
  walk(root);
}

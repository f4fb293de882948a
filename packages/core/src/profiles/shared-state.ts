import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** Codex state that follows the user across accounts (history, `codex resume`, config…). */
export const SHARED_DIRS = ["sessions", "archived_sessions", "memories", "rules", "skills"] as const;
export const SHARED_FILES = ["history.jsonl", "config.toml"] as const;

export type LinkResult = { linked: string[]; kept: string[] };

/**
 * Links the shared Codex state of `sharedHome` into a managed profile home. Existing real files
 * in the profile are kept (never clobbered); missing shared directories are created.
 */
export function linkSharedState(profileHome: string, sharedHome: string): LinkResult {
  const result: LinkResult = { linked: [], kept: [] };
  mkdirSync(sharedHome, { recursive: true, mode: 0o700 });
  for (const entry of [...SHARED_DIRS, ...SHARED_FILES]) {
    const target = join(sharedHome, entry);
    const link = join(profileHome, entry);
    if ((SHARED_DIRS as readonly string[]).includes(entry) && !existsSync(target))
      mkdirSync(target, { recursive: true, mode: 0o700 });
    const current = lstatOrNull(link);
    if (current?.isSymbolicLink() && readlinkSync(link) === target) continue;
    if (current) {
      result.kept.push(entry);
      continue;
    }
    symlinkSync(target, link);
    result.linked.push(entry);
  }
  return result;
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

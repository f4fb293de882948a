import { lstatSync } from "node:fs";

/**
 * Why `path` is not this user's own regular file — a symlink, a folder, another user's file —
 * or null when it is. What prodex follows (the runtime-log pointer, the log it names) must be
 * its own: in a shared folder another user can plant either. `uid` is the current user's
 * (undefined where the platform has none, and then only the kind is checked).
 */
export function notOwnFile(path: string, uid: number | undefined = process.getuid?.()): string | null {
  let s: ReturnType<typeof lstatSync>;
  try {
    s = lstatSync(path);
  } catch {
    return "it does not exist";
  }
  if (s.isSymbolicLink()) return "it is a symbolic link";
  if (!s.isFile()) return "it is not a regular file";
  if (uid !== undefined && s.uid !== uid) return `it belongs to another user (uid ${s.uid})`;
  return null;
}

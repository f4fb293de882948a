import { ftruncateSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { pidAlive } from "./pid.ts";

// Who holds a lock: the lock file's content (pid, host) while it is held, empty once released.
// It is for people and for tidying up; it never decides who may take the lock (flock does).
// A holder that was killed leaves its content, so the next holder knows whose half-written temp
// files it may delete.

const ownerSchema = z.object({ pid: z.number().int().positive(), host: z.string() });
export type LockOwner = z.infer<typeof ownerSchema>;

/** Before an older prodex's mkdir lock (a directory) is considered abandoned by its age. */
const LEGACY_STALE_MS = 15_000;

export function writeOwner(fd: number): void {
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }), 0);
  } catch {
    // The lock holds without its label.
  }
}

export function clearOwner(fd: number): void {
  try {
    ftruncateSync(fd, 0);
  } catch {
    // Released anyway; a stale label names a pid that is gone or not holding.
  }
}

export function parseOwner(text: string): LockOwner | null {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Who holds the lock on `path` (as the holder wrote it), or null when nobody says. */
export function readOwner(path: string): LockOwner | null {
  try {
    return parseOwner(readFileSync(`${path}.lock`, "utf8"));
  } catch {
    return null;
  }
}

/** Just locked: a label still there means its holder died holding; remove the temp files it may have left mid-write. */
export function takeOverFrom(lockPath: string, fd: number): void {
  const buf = Buffer.alloc(256);
  let owner: LockOwner | null = null;
  try {
    owner = parseOwner(buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8"));
  } catch {
    return;
  }
  if (!owner || owner.host !== hostname() || owner.pid === process.pid || pidAlive(owner.pid)) return;
  removeTempFiles(lockPath, owner.pid);
}

/**
 * `path.lock` is a directory: the mkdir lock of a prodex from before flock. It is removed once its
 * owner pid is gone or it has not been touched for a while (that version refreshed its mtime),
 * by renaming it aside first so that exactly the inspected directory goes.
 */
export function reclaimLegacyDir(lockDir: string, now = Date.now()): void {
  let mtime: number;
  try {
    mtime = statSync(lockDir).mtimeMs;
  } catch {
    return;
  }
  let owner: LockOwner | null = null;
  try {
    owner = parseOwner(readFileSync(join(lockDir, "owner"), "utf8"));
  } catch {
    // no owner file: age decides
  }
  const dead = owner !== null && owner.host === hostname() && !pidAlive(owner.pid);
  if (!dead && now - mtime <= LEGACY_STALE_MS) return;
  const aside = `${lockDir}.old-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockDir, aside);
  } catch {
    return;
  }
  rmSync(aside, { recursive: true, force: true });
}

/** `writeFileAtomic` temp files of the locked file that a dead holder may have left mid-write. */
function removeTempFiles(lockPath: string, pid: number): void {
  const file = basename(lockPath).replace(/\.lock$/, "");
  const dir = dirname(lockPath);
  const prefix = `.${file}.${pid}.`;
  try {
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix) && name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
  } catch {
    // nothing to tidy
  }
}

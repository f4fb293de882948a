import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { errorCode } from "@prodex/guards";
import { LocalStateError } from "../errors.ts";
import { clearOwner, readOwner, reclaimLegacyDir, takeOverFrom, writeOwner } from "./lock-owner.ts";
import { tryLockExclusive, unlock } from "./os-lock.ts";

/**
 * Runs `fn` while holding an exclusive cross-process lock named after `path`: flock(2) on the
 * file `path.lock`. The kernel drops the lock when its holder's descriptor closes, dying
 * included, so a killed holder frees it at once and a live holder's lock is never taken: no
 * process ever judges another's lock abandoned (the old mkdir lock did, and could remove a lock
 * that changed hands between its check and its removal). The file stays after release; it is
 * the lock's name, not the lock.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = `${path}.lock`;
  const fd = await acquire(path, lockPath, options.waitMs ?? 30_000);
  try {
    return await fn();
  } finally {
    clearOwner(fd);
    unlock(fd);
    closeSync(fd);
  }
}

async function acquire(path: string, lockPath: string, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  let pause = 5;
  for (;;) {
    const fd = openLockFile(lockPath);
    if (fd !== null) {
      if (tryLockExclusive(fd)) {
        if (isCurrentFile(fd, lockPath)) {
          takeOverFrom(lockPath, fd);
          writeOwner(fd);
          return fd;
        }
        // Someone removed or replaced the file after we opened it: a lock on the old inode excludes nobody.
        unlock(fd);
      }
      closeSync(fd);
    }
    if (Date.now() >= deadline) {
      throw new LocalStateError(
        `${path} is locked by another prodex process${holderText(path)}`,
        "retry in a moment; the lock is freed when that process ends",
      );
    }
    await Bun.sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(100, Math.ceil(pause * 1.3));
  }
}

/** The lock file's descriptor, or null when an older prodex's lock directory is in the way (and was not reclaimable yet). */
function openLockFile(lockPath: string): number | null {
  try {
    return openSync(lockPath, constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (cause) {
    if (errorCode(cause) !== "EISDIR") {
      throw new LocalStateError(
        `cannot open the lock file ${lockPath}`,
        "check that its folder is yours and writable",
        { cause },
      );
    }
    reclaimLegacyDir(lockPath);
    return null;
  }
}

function isCurrentFile(fd: number, lockPath: string): boolean {
  try {
    return fstatSync(fd).ino === statSync(lockPath).ino;
  } catch {
    return false;
  }
}

function holderText(path: string): string {
  const owner = readOwner(path);
  return owner ? ` (pid ${owner.pid} on ${owner.host})` : "";
}

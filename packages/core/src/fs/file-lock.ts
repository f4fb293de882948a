import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { errorCode } from "@prodex/guards";
import { LocalStateError } from "../errors.ts";
import { reclaimIfAbandoned, removeOwner, writeOwner } from "./lock-owner.ts";

/**
 * Runs `fn` while holding an exclusive cross-process lock named after `path` (a `path.lock`
 * directory, proper-lockfile's mkdir strategy, kept fresh by its mtime updates). A lock whose
 * holder was killed is taken over at once (its owner pid is gone), else once its mtime is
 * older than `staleMs` (see lock-owner.ts).
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: { staleMs?: number; waitMs?: number } = {},
): Promise<T> {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staleMs = options.staleMs ?? 15_000;
  const waitMs = options.waitMs ?? 30_000;
  const lockDir = `${path}.lock`;
  const release = await acquire(path, lockDir, staleMs, waitMs);
  writeOwner(lockDir);
  try {
    return await fn();
  } finally {
    removeOwner(lockDir);
    await release().catch(() => {
      // Already released (compromised/stale): the next holder owns it now; nothing to undo.
    });
  }
}

async function acquire(path: string, lockDir: string, staleMs: number, waitMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  let pause = 15;
  for (;;) {
    try {
      return await lockfile.lock(path, {
        realpath: false,
        // Staleness is decided in reclaimIfAbandoned, which also clears the owner file; proper-lockfile only keeps the mtime fresh.
        stale: Number.POSITIVE_INFINITY,
        update: Math.max(1_000, Math.floor(staleMs / 3)),
        retries: 0,
        // Its default throws from a timer (an uncaught exception would end the proxy): losing the lock after a long stall is survivable.
        onCompromised: () => {},
      });
    } catch (cause) {
      if (!isLocked(cause)) throw cause;
      if (reclaimIfAbandoned(lockDir, staleMs)) continue;
      if (Date.now() >= deadline) {
        // Held by a live process for longer than we wait: say which file, not proper-lockfile's ELOCKED.
        throw new LocalStateError(`${path} is locked by another prodex process`, `retry in a moment; if no prodex is running, remove ${lockDir}`, { cause });
      }
      await Bun.sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
      pause = Math.min(100, Math.ceil(pause * 1.3));
    }
  }
}

function isLocked(cause: unknown): boolean {
  return errorCode(cause) === "ELOCKED";
}

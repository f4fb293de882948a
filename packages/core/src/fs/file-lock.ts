import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { LocalStateError } from "../errors.ts";

/**
 * Runs `fn` while holding an exclusive cross-process lock named after `path` (a `path.lock`
 * directory, proper-lockfile's mkdir strategy). Stale locks of dead holders expire after `staleMs`.
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
  const release = await lockfile
    .lock(path, {
      realpath: false,
      stale: staleMs,
      update: Math.floor(staleMs / 3),
      retries: { retries: Math.ceil(waitMs / 100), factor: 1.3, minTimeout: 15, maxTimeout: 100 },
    })
    .catch((cause: unknown) => {
      // Held by a live process for longer than we wait: say which file, not proper-lockfile's ELOCKED.
      if (isLocked(cause)) {
        throw new LocalStateError(`${path} is locked by another prodex process`, `retry in a moment; if no prodex is running, remove ${path}.lock`, { cause });
      }
      throw cause;
    });
  try {
    return await fn();
  } finally {
    await release().catch(() => {
      // Already released (compromised/stale): the next holder owns it now; nothing to undo.
    });
  }
}

function isLocked(cause: unknown): boolean {
  return typeof cause === "object" && cause !== null && "code" in cause && cause.code === "ELOCKED";
}

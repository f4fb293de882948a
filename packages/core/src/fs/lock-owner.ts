import { mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { pidAlive } from "./pid.ts";

// Who holds a lock directory: `<lock>/owner` (pid, host), written right after the directory is
// made and removed right before it goes, so it always describes the directory it is in. A
// holder that was killed leaves both; the next process sees the pid is gone and takes over at
// once instead of waiting for the directory to age.

const ownerSchema = z.object({ pid: z.number().int().positive(), host: z.string() });
export type LockOwner = z.infer<typeof ownerSchema>;

const OWNER = "owner";
/** A reclaimer that died while holding the guard leaves it; after this long the guard is ignored. */
const GUARD_STALE_MS = 10_000;

export function writeOwner(lockDir: string): void {
  try {
    writeFileSync(join(lockDir, OWNER), JSON.stringify({ pid: process.pid, host: hostname() }), { mode: 0o600 });
  } catch {
    // Without an owner the lock still works; only its reclaim waits for the directory to age.
  }
}

/** Before releasing: an empty directory is what proper-lockfile removes. */
export function removeOwner(lockDir: string): void {
  rmSync(join(lockDir, OWNER), { force: true });
}

export function readOwner(lockDir: string): LockOwner | null {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(readFileSync(join(lockDir, OWNER), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Removes `lockDir` when its holder is gone: its pid no longer runs on this host, or it stopped
 * refreshing the directory's mtime for `staleMs` (another host, a reused pid, no owner file).
 * Reclaimers take turns through a guard directory, and every other removal is the live
 * holder's own, so what is checked is what is removed. True when the lock is free now.
 */
export function reclaimIfAbandoned(lockDir: string, staleMs: number, now = Date.now()): boolean {
  const guard = `${lockDir}.reclaim`;
  try {
    mkdirSync(guard);
  } catch {
    // Another process is reclaiming; unless it died doing so, let it.
    if ((ageMs(guard, now) ?? 0) > GUARD_STALE_MS) rmSync(guard, { recursive: true, force: true });
    return false;
  }
  try {
    const age = ageMs(lockDir, now);
    if (age === null) return true;
    const owner = readOwner(lockDir);
    const dead = owner !== null && owner.host === hostname() && !pidAlive(owner.pid);
    if (!dead && age <= staleMs) return false;
    removeOwner(lockDir);
    rmdirSync(lockDir);
    if (owner && dead) removeTempFiles(lockDir, owner.pid);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

function ageMs(path: string, now: number): number | null {
  try {
    return now - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** `writeFileAtomic` temp files of the locked file that the dead holder may have left mid-write. */
function removeTempFiles(lockDir: string, pid: number): void {
  const file = basename(lockDir).replace(/\.lock$/, "");
  const dir = dirname(lockDir);
  const prefix = `.${file}.${pid}.`;
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
  } catch {
    // nothing to tidy
  }
}

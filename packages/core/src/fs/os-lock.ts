import { dlopen, FFIType } from "bun:ffi";

// flock(2) through libc: an exclusive lock the kernel drops when its holder's descriptor closes,
// which includes the holder dying (SIGKILL, crash). Nobody ever has to decide that a lock is
// abandoned, so nobody can wrongly take a live one. Bun opens files with O_CLOEXEC, so a child
// process never inherits (and outlives us holding) the lock.

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type Flock = (fd: number, op: number) => number;
let flock: Flock | null = null;

function bind(): Flock {
  if (flock) return flock;
  const lib = process.platform === "darwin" ? "libSystem.B.dylib" : "libc.so.6";
  const { symbols } = dlopen(lib, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
  flock = (fd, op) => symbols.flock(fd, op);
  return flock;
}

/** Takes the exclusive lock on `fd` without waiting; false when another descriptor holds it. */
export function tryLockExclusive(fd: number): boolean {
  return bind()(fd, LOCK_EX | LOCK_NB) === 0;
}

export function unlock(fd: number): void {
  bind()(fd, LOCK_UN);
}

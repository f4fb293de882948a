import { errorCode } from "@prodex/guards";
/** The database could not be opened or used: unreadable, corrupt, or locked for too long. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLite said another connection holds the lock (SQLITE_BUSY*, SQLITE_LOCKED*): the same write may work in a moment. */
export function isBusy(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(errorCode(error) ?? "");
}

import { isBusy } from "@prodex/store";
import { LocalStateError } from "./errors.ts";

/** What a write says when another process kept the database's write lock longer than we wait. */
export function databaseBusy(cause: unknown): LocalStateError {
  return new LocalStateError(
    "database busy, retry in a moment",
    "another prodex process held the write lock of prodex.db too long",
    { cause },
  );
}

/**
 * A write that must happen (a start-up registration) where the store's own wait is short (the
 * proxy's 200 ms): retried while the database is busy, without blocking the event loop, for as
 * long as any other write would wait (`busy_timeout`, 10 s); then `databaseBusy`.
 */
export async function waitForWrite<T>(write: () => T, waitMs = 10_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  let pause = 20;
  for (;;) {
    try {
      return write();
    } catch (cause) {
      if (!isBusy(cause)) throw cause;
      if (Date.now() >= deadline) throw databaseBusy(cause);
    }
    await Bun.sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(200, pause * 2);
  }
}

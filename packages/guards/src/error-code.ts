// What was thrown is `unknown`: Node/Bun system errors (ENOENT, EADDRINUSE), SQLite's SQLITE_BUSY and
// libraries' own codes (proper-lockfile's ELOCKED) all carry a string `code`, read here in one way.

/** The string `code` of a thrown value (`ENOENT`, `SQLITE_BUSY`, …), or undefined when it has none. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

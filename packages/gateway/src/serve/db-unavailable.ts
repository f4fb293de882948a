import { DependencyDownError } from "@prodex/core";
import type { Health } from "./db-health.ts";
import { isoSecond } from "./iso-second.ts";

const HINT = "the operator should check PostgreSQL (/readyz says since when it is unreachable)";

/** Pure: the one line a request that needs the database gets while it is down (what, since when, what to do). */
export function dbUnavailableLine(what: string, health: Health, now: number): string {
  const since = isoSecond(health.ok ? now : health.since);
  return `prodex gateway: ${what}, and the database is unreachable since ${since}; retry when it is back`;
}

/**
 * The database is needed and not there. A DependencyDownError: the rotation loop moves on without resting the
 * account, and if nothing serves the request the client gets this line as a 503 in its own shape.
 */
export class DatabaseUnavailableError extends DependencyDownError {
  override name = "DatabaseUnavailableError";
  constructor(what: string, health: Health, now: number) {
    super(dbUnavailableLine(what, health, now), HINT);
  }
}

import { describe, expect, test } from "bun:test";
import { DependencyDownError } from "@prodex/core";
import { DatabaseUnavailableError, dbUnavailableLine } from "./db-unavailable.ts";

describe("the line a request that needs the database gets while it is down", () => {
  const since = Date.UTC(2026, 11, 7, 10, 2, 3, 456);
  test.each([
    [
      { ok: false as const, reason: "PostgreSQL unreachable", since },
      since + 60_000,
      "prodex gateway: W, and the database is unreachable since 2026-12-07T10:02:03Z; retry when it is back",
    ],
    // Seen down by the caller but already back in the health record (a race): the time of the answer.
    [
      { ok: true as const },
      since,
      "prodex gateway: W, and the database is unreachable since 2026-12-07T10:02:03Z; retry when it is back",
    ],
  ])("%p", (health, now, want) => {
    expect(dbUnavailableLine("W", health, now)).toBe(want);
  });

  test("a dependency-down error (the rotation loop moves on without resting the account), with a hint", () => {
    const e = new DatabaseUnavailableError("W", { ok: false, reason: "x", since }, since);
    expect(e).toBeInstanceOf(DependencyDownError);
    expect(e.status).toBe(503);
    expect(e.hint).toContain("PostgreSQL");
  });
});

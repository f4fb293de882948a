import { describe, expect, test } from "bun:test";
import { databaseBusy, waitForWrite } from "./busy-write.ts";
import { LocalStateError } from "./errors.ts";

const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

describe("waitForWrite", () => {
  test("retries a busy write until it goes through", async () => {
    let tries = 0;
    const got = await waitForWrite(() => {
      if (++tries < 3) throw busy();
      return "written";
    });
    expect(got).toBe("written");
    expect(tries).toBe(3);
  });

  test("any other error is not retried", async () => {
    let tries = 0;
    const err = await waitForWrite(() => {
      tries++;
      throw new Error("disk I/O error");
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("disk I/O error");
    expect(tries).toBe(1);
  });

  test("still busy when the wait is over: database busy, exit 4, the SQLite error as cause", async () => {
    const cause = busy();
    const err = await waitForWrite(() => {
      throw cause;
    }, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStateError);
    expect((err as LocalStateError).message).toBe("database busy, retry in a moment");
    expect((err as LocalStateError).exitCode).toBe(4);
    expect((err as LocalStateError).cause).toBe(cause);
    expect(databaseBusy(cause).hint).toContain("write lock");
  });
});

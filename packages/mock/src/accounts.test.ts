import { describe, expect, test } from "bun:test";
import { AccountBook, blockingWindow, makeWindow, rollover, windowState } from "./accounts.ts";
import { MockError } from "./errors.ts";

describe("windows", () => {
  test("defaults: 5h primary resetting in 1h, weekly secondary in 3 days", () => {
    const p = windowState(makeWindow({ usedPercent: 12 }, "primary", 0), 0);
    const s = windowState(makeWindow({ usedPercent: 40 }, "secondary", 0), 0);
    expect(p).toEqual({ usedPercent: 12, windowSeconds: 18000, resetAfterSeconds: 3600, resetAt: 3600 });
    expect(s).toEqual({ usedPercent: 40, windowSeconds: 604800, resetAfterSeconds: 259200, resetAt: 259200 });
  });

  test.each([
    { now: 999, used: 80, resetAtMs: 1000 },
    { now: 1000, used: 0, resetAtMs: 1000 + 18000_000 },
    { now: 1000 + 18000_000 * 2, used: 0, resetAtMs: 1000 + 18000_000 * 3 },
  ])("rollover at $now → $used%", ({ now, used, resetAtMs }) => {
    const w = rollover({ usedPercent: 80, windowSeconds: 18000, resetAtMs: 1000 }, now);
    expect(w.usedPercent).toBe(used);
    expect(w.resetAtMs).toBe(resetAtMs);
  });
});

describe("AccountBook", () => {
  test("defaults derive email and user id from the account id", () => {
    const a = new AccountBook().add({ id: "acct-mock-7" });
    expect([a.email, a.userId, a.plan, a.secondary?.windowSeconds]).toEqual([
      "mock-7@example.com",
      "user-mock-7",
      "plus",
      604800,
    ]);
  });

  test("duplicate or unknown ids are caller mistakes", () => {
    const book = new AccountBook();
    book.add({ id: "acct-1" });
    expect(() => book.add({ id: "acct-1" })).toThrow(MockError);
    expect(() => book.must("acct-2")).toThrow("unknown account acct-2");
    expect(() => book.add({ id: "bad id" })).toThrow(MockError);
  });

  test("exhaust blocks on primary until the reset, then the window starts over", async () => {
    const book = new AccountBook();
    const a = book.add({ id: "acct-1" });
    book.exhaust("acct-1", 0.05);
    expect(blockingWindow(a)?.usedPercent).toBe(100);
    await Bun.sleep(80);
    expect(blockingWindow(book.must("acct-1"))).toBeNull();
  });

  test("a full secondary window blocks too; secondary null never does", () => {
    const book = new AccountBook();
    const a = book.add({ id: "acct-1", secondary: { usedPercent: 100 } });
    expect(blockingWindow(a)?.windowSeconds).toBe(604800);
    book.setUsage("acct-1", { usedPercent: 5 }, null);
    expect(a.secondary).toBeNull();
    expect(blockingWindow(a)).toBeNull();
  });

  test("charge adds costPercent to primary, a tenth to secondary, capped at 100", () => {
    const book = new AccountBook();
    const a = book.add({ id: "acct-1", costPercent: 40, secondary: { usedPercent: 0 } });
    for (let i = 0; i < 3; i++) book.charge(a);
    expect(a.primary.usedPercent).toBe(100);
    expect(a.secondary?.usedPercent).toBe(12);
  });
});

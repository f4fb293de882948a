import { describe, expect, test } from "bun:test";
import type { WindowShares } from "@prodex/core";
import { type WeeklyUse, checkShare, keyWeekly, takesNewWork, withLocal } from "./share-check.ts";

const H = 3_600_000;
const now = Date.UTC(2026, 11, 7, 12);
const t1 = now + 10 * H;
const t2 = now + 50 * H;
const t3 = now + 90 * H;
const wk = (account: string, usedPercent: number, keyPercent: number, resetAt: number, open = true): WeeklyUse => ({
  account,
  usedPercent,
  keyPercent,
  resetAt,
  pointsPerToken: null,
  open,
});
/** A paused account's (or one waiting for a login): it takes no new work. */
const shut = (account: string, usedPercent: number, keyPercent: number, resetAt: number) =>
  wk(account, usedPercent, keyPercent, resetAt, false);

describe("--max-share: no key uses more than F of the pool's remaining weekly room", () => {
  test.each([
    ["the window's start: nothing used", 0.4, [wk("a", 0, 0, t1), wk("b", 0, 0, t2)], null],
    ["no weekly readings at all", 0.1, [], null],
    // K = 30, R = 270: 30 < 0.4 × 300 = 120.
    ["30 of 300 points, F 0.4", 0.4, [wk("a", 20, 20, t1), wk("b", 10, 10, t2), wk("c", 0, 0, t3)], null],
    // K = 30 ≥ 0.1 × 300: at its allowance. Its use is on a and b: a's reset (t1) leaves K = 10 < 0.1 × 290.
    ["30 of 300 points, F 0.1", 0.1, [wk("a", 20, 20, t1), wk("b", 10, 10, t2), wk("c", 0, 0, t3)], [30, 30, t1]],
    ["just under: 29 of 300, F 0.1", 0.1, [wk("a", 19, 19, t1), wk("b", 10, 10, t2), wk("c", 0, 0, t3)], null],
    // Others took 170 points: R = 20, K = 10 → 10 < 0.4 × 30 = 12 …
    ["others used most of it, F 0.4", 0.4, [wk("a", 90, 5, t1), wk("b", 90, 5, t2)], null],
    // … but 10 ≥ 0.3 × 30 = 9: the room it is a share of shrank. a's reset: K = 5, R = 110 → 5 < 34.5.
    ["others used most of it, F 0.3", 0.3, [wk("a", 90, 5, t1), wk("b", 90, 5, t2)], [10, 9, t1]],
    // All of its use is on b (10 ≥ 0.09 × 110): a's reset gives room back (10 < 0.09 × 160) before b resets.
    ["its use on the later window, F 0.09", 0.09, [wk("a", 50, 0, t1), wk("b", 50, 10, t2)], [10, 9.9, t1]],
    // Only b's reset lets it in again: after a's alone, 60 ≥ 0.05 × (140 + 60) = 10.
    ["only the later reset helps", 0.05, [wk("a", 10, 0, t1), wk("b", 60, 60, t2)], [60, 9.5, t2]],
    ["F 1: refused only when the pool is out", 1, [wk("a", 100, 40, t1), wk("b", 100, 0, t2)], [40, 40, t1]],
    ["F 1, room left", 1, [wk("a", 100, 40, t1), wk("b", 99, 0, t2)], null],
    ["a key that used nothing is never refused", 0.01, [wk("a", 100, 0, t1)], null],
    // Paused accounts: K counts what the key took on every account, R only the room of those that take new work.
    ["both open: K 20 < 0.2 × (180 + 20)", 0.2, [wk("a", 20, 20, t1), wk("b", 0, 0, t2)], null],
    // b paused: its 100 points are no room for anyone. K = 20 ≥ 0.2 × (80 + 20); a's reset clears K.
    ["a paused account's room is not room", 0.2, [wk("a", 20, 20, t1), shut("b", 0, 0, t2)], [20, 20, t1]],
    // The key's 30 points on paused a still count: 30 ≥ 0.2 × (100 + 30) = 26.
    ["its use on a paused account still counts", 0.2, [shut("a", 30, 30, t1), wk("b", 0, 0, t2)], [30, 26, t1]],
    // a's reset gives no room back while it is paused (K = 40 ≥ 0.5 × (40 + 40)): only b's reset clears K.
    ["a paused account's reset gives no room", 0.5, [shut("a", 40, 0, t1), wk("b", 60, 40, t2)], [40, 40, t2]],
    ["every account paused, nothing used", 0.1, [shut("a", 10, 0, t1), shut("b", 0, 0, t2)], null],
    ["every account paused, some used", 0.9, [shut("a", 10, 5, t1), shut("b", 0, 0, t2)], [5, 4.5, t1]],
  ] as const)("%s", (_name, maxShare, weeks, refused) => {
    const v = checkShare(maxShare, weeks);
    if (refused === null) expect(v).toEqual({ ok: true });
    else {
      expect(v.ok === false && v.limit).toBe("max-share");
      if (v.ok || v.limit !== "max-share") return;
      expect([v.used, v.allowance, v.resetAt]).toEqual([refused[0], expect.closeTo(refused[1], 6), refused[2]]);
    }
  });
});

describe("which accounts' room counts", () => {
  test.each([
    ["serving", { pausedAt: null, needsLogin: false }, true],
    ["paused", { pausedAt: now, needsLogin: false }, false],
    ["needs a login", { pausedAt: null, needsLogin: true }, false],
    ["paused and needs a login", { pausedAt: now, needsLogin: true }, false],
  ] as const)("%s", (_name, account, open) => expect(takesNewWork(account)).toBe(open));
});

describe("the weekly windows as a key sees them", () => {
  const shares: WindowShares[] = [
    {
      account: "a",
      window: "5h",
      usedPercent: 80,
      periodStart: now - 4 * H,
      resetAt: now + H,
      keys: [{ key: "hog", requests: 4, tokens: 400, share: 1, usedPercent: 80 }],
    },
    {
      account: "a",
      window: "weekly",
      usedPercent: 20,
      periodStart: now - 100 * H,
      resetAt: t1,
      keys: [
        { key: "hog", requests: 3, tokens: 300, share: 0.75, usedPercent: 15 },
        { key: "dev", requests: 1, tokens: 100, share: 0.25, usedPercent: 5 },
      ],
    },
    { account: "b", window: "weekly", usedPercent: 7, periodStart: now - 20 * H, resetAt: null, keys: [] },
  ];

  const open = new Set(["a"]);
  test("weekly only; the key's part, the reset (else the period's end), points per token, open or not", () => {
    expect(keyWeekly(shares, "hog", open)).toEqual([
      { account: "a", usedPercent: 20, keyPercent: 15, resetAt: t1, pointsPerToken: 0.05, open: true },
      { account: "b", usedPercent: 7, keyPercent: 0, resetAt: now + 148 * H, pointsPerToken: null, open: false },
    ]);
  });

  test("between readings, what this instance served counts at the account's rate (else the pool's mean)", () => {
    const local = new Map([
      ["a", { key: 100, all: 140 }],
      ["b", { key: 20, all: 20 }],
    ]);
    expect(withLocal(keyWeekly(shares, "hog", open), local).map((w) => [w.usedPercent, w.keyPercent])).toEqual([
      [27, 20],
      [8, 1],
    ]);
    // Capped at a full window; no local tokens, no change.
    expect(withLocal(keyWeekly(shares, "hog", open), new Map([["a", { key: 5000, all: 5000 }]]))[0]?.usedPercent).toBe(
      100,
    );
    expect(withLocal(keyWeekly(shares, "dev", open), new Map())).toEqual(keyWeekly(shares, "dev", open));
  });
});

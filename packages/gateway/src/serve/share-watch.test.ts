import { describe, expect, test } from "bun:test";
import type { LedgerSum, PgUsageRow } from "@prodex/store/pg";
import { type ShareSource, ShareWatch } from "./share-watch.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 12);

/** The database as a reading sees it: each account's weekly window, and the ledger's per-key sums. */
function source(db: { used: Record<string, number>; sums: LedgerSum[] }): ShareSource {
  const weekly = (usedPercent: number) => ({
    label: "weekly",
    usedPercent,
    windowSeconds: 604_800,
    resetAt: T0 + 48 * H,
    limit: "codex",
  });
  return {
    usage: {
      all: async (): Promise<PgUsageRow[]> =>
        Object.entries(db.used).map(([account, used]) => ({
          account,
          fetchedAt: T0,
          source: "live",
          plan: "plus",
          windows: [weekly(used)],
        })),
    },
    ledger: { sumsSince: async () => db.sums },
  };
}

const open = (name: string) => ({ name, open: true });
const row = (at: number, caller: string, profile: string, tokens: number) => ({
  at,
  caller,
  profile,
  inputTokens: tokens,
  outputTokens: 0,
});

describe("--max-share between readings", () => {
  test("what this instance served since the last reading counts at once; the next reading takes it over, once", async () => {
    let now = T0;
    // Two accounts (200 points); the hog has 4 of a's 5 used points (100 of its 125 tokens): K = 4.
    const db = {
      used: { a: 5, b: 0 },
      sums: [
        { caller: "hog", profile: "a", requests: 4, tokens: 100 },
        { caller: "dev", profile: "a", requests: 1, tokens: 25 },
      ],
    };
    const watch = new ShareWatch(
      source(db),
      () => [open("a"), open("b")],
      () => now,
    );
    await watch.read();
    // F 0.025: allowance 0.025 × (195 + 4) ≈ 4.98 points.
    expect(watch.check("hog", 0.025).ok).toBe(true);
    // It serves 50 more tokens on a before the next reading: at a's 0.04 points per token, 2 more points (K = 6).
    now += 200;
    watch.observe(row(now, "hog", "a", 50));
    const refused = watch.check("hog", 0.025);
    expect(refused.ok).toBe(false);
    if (refused.ok || refused.limit !== "max-share") throw new Error("expected a max-share refusal");
    expect(refused.used).toBeCloseTo(6, 6);
    expect(refused.resetAt).toBe(T0 + 48 * H);
    // Another key is not held by the hog's use (its own share is 1 point of 199 + 1).
    expect(watch.check("dev", 0.025).ok).toBe(true);

    // The next reading holds those 50 tokens (the upstream says a is 7 % used): counted once, not twice.
    db.used = { a: 7, b: 0 };
    db.sums = [
      { caller: "hog", profile: "a", requests: 5, tokens: 150 },
      { caller: "dev", profile: "a", requests: 1, tokens: 25 },
    ];
    now += 2_000;
    await watch.read();
    const after = watch.check("hog", 0.5);
    expect(after.ok).toBe(true);
    // With F 0.02 the reading alone says K = 6 ≥ 0.02 × (193 + 6): refused on the reading, not on a double count.
    const onReading = watch.check("hog", 0.02);
    if (onReading.ok || onReading.limit !== "max-share") throw new Error("expected a max-share refusal");
    expect(onReading.used).toBeCloseTo(6, 6);
  });

  test("an account not read yet counts with its whole room; nothing read at all refuses nobody", async () => {
    const empty = new ShareWatch(
      source({ used: {}, sums: [] }),
      () => [],
      () => T0,
    );
    await empty.read();
    expect(empty.check("hog", 0.01).ok).toBe(true);
    // Only a is read (10 % used, all the hog's): with b's 100 points unread but counted, K = 10 < 0.1 × 200.
    const db = { used: { a: 10 }, sums: [{ caller: "hog", profile: "a", requests: 10, tokens: 1000 }] };
    const watch = new ShareWatch(
      source(db),
      () => [open("a"), open("b")],
      () => T0,
    );
    await watch.read();
    expect(watch.check("hog", 0.1).ok).toBe(true);
    expect(watch.check("hog", 0.05).ok).toBe(false);
  });

  test("a paused account: the key's use on it counts, its room does not, from the next reading on", async () => {
    // The hog took 20 of b's 20 used points; a is untouched. Both open: K = 20 < 0.15 × (180 + 20) = 30.
    const db = { used: { a: 0, b: 20 }, sums: [{ caller: "hog", profile: "b", requests: 2, tokens: 200 }] };
    let pool = [open("a"), open("b")];
    const watch = new ShareWatch(
      source(db),
      () => pool,
      () => T0,
    );
    await watch.read();
    expect(watch.check("hog", 0.15).ok).toBe(true);
    // b is paused: its 80 points left are nobody's room, its 20 are still the hog's. 20 ≥ 0.15 × (100 + 20) = 18.
    pool = [open("a"), { name: "b", open: false }];
    await watch.read();
    const v = watch.check("hog", 0.15);
    if (v.ok || v.limit !== "max-share") throw new Error("expected a max-share refusal");
    expect([v.used, v.allowance]).toEqual([20, expect.closeTo(18, 6)]);
    // a paused instead: the hog's use is on b (open), the room b's 80: 20 ≥ 0.15 × 100 too; both open again: let in.
    pool = [{ name: "a", open: false }, open("b")];
    await watch.read();
    expect(watch.check("hog", 0.15).ok).toBe(false);
    pool = [open("a"), open("b")];
    await watch.read();
    expect(watch.check("hog", 0.15).ok).toBe(true);
  });

  test("a long outage folds what was served, counting every token", async () => {
    let now = T0;
    const db = { used: { a: 10 }, sums: [{ caller: "hog", profile: "a", requests: 1, tokens: 100_000 }] };
    const watch = new ShareWatch(
      source(db),
      () => [open("a")],
      () => now,
    );
    await watch.read();
    // 12 000 answers of 1 token on a (0.0001 points per token) while no reading comes: past 10 000 rows they fold.
    for (let i = 0; i < 12_000; i++) watch.observe(row(++now, i % 2 ? "hog" : "dev", "a", 1));
    // K = 10 + 6 000 × 0.0001 = 10.6; the window 10 + 1.2 used: every token still counted.
    const v = watch.check("hog", 0.1);
    if (v.ok || v.limit !== "max-share") throw new Error("expected a max-share refusal");
    expect(v.used).toBeCloseTo(10.6, 6);
    expect(v.allowance).toBeCloseTo(0.1 * (100 - 11.2 + 10.6), 6);
  });
});

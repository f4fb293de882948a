import { describe, expect, test } from "bun:test";
import { type QuotaRowInput, mainWindows, quotaRow } from "./quota-row.ts";
import type { UsageWindow } from "./types.ts";

const M = 60_000;
const H = 60 * M;
const now = new Date(2026, 2, 3, 12, 0, 0).getTime();
const win = (
  label: UsageWindow["label"],
  usedPercent: number,
  resetAt: number | null,
  limit = "codex",
): UsageWindow => ({
  label,
  usedPercent,
  resetAt,
  windowSeconds: label === "weekly" ? 604_800 : 18_000,
  limit,
});
const input = (over: Partial<QuotaRowInput> = {}): QuotaRowInput => ({
  name: "work",
  current: false,
  plan: "plus",
  needsLogin: false,
  windows: [win("5h", 62, now + 2 * H + 5 * M), win("weekly", 30, now + 50 * H)],
  fetchedAt: now - 3 * M,
  ...over,
});

describe("quotaRow", () => {
  test.each<
    [
      string,
      Partial<QuotaRowInput>,
      { status: string; five: [number, string] | null; weekly: [number, string] | null; checked: string },
    ]
  >([
    ["a fresh profile", {}, { status: "Ready", five: [62, "2h 5m"], weekly: [30, "2d 2h"], checked: "3m ago" }],
    [
      "a passed reset counts as 0% used and says now",
      { windows: [win("5h", 100, now - 1), win("weekly", 30, now + H)] },
      { status: "Ready", five: [0, "now"], weekly: [30, "1h"], checked: "3m ago" },
    ],
    [
      "an exhausted window",
      { windows: [win("5h", 100, now + 30 * M)] },
      { status: "Exhausted", five: [100, "30m"], weekly: null, checked: "3m ago" },
    ],
    [
      "thin (below 25% left)",
      { windows: [win("weekly", 80, null)] },
      { status: "Thin", five: null, weekly: [80, ""], checked: "3m ago" },
    ],
    [
      "over 100% upstream is clamped",
      { windows: [win("5h", 104, now + M)] },
      { status: "Exhausted", five: [100, "1m"], weekly: null, checked: "3m ago" },
    ],
    [
      "never fetched",
      { windows: [], fetchedAt: null },
      { status: "Unknown", five: null, weekly: null, checked: "never" },
    ],
    [
      "needs login says so whatever the windows",
      { needsLogin: true },
      { status: "Needs login", five: [62, "2h 5m"], weekly: [30, "2d 2h"], checked: "3m ago" },
    ],
    [
      "another limit's windows are not the main ones",
      { windows: [win("5h", 90, null, "gpt-5-pro")] },
      { status: "Unknown", five: null, weekly: null, checked: "3m ago" },
    ],
  ])("%s", (_, over, want) => {
    const row = quotaRow(input(over), now);
    expect(row.statusText).toBe(want.status);
    expect(row.fiveHour && [row.fiveHour.usedPercent, row.fiveHour.reset]).toEqual(want.five);
    expect(row.weekly && [row.weekly.usedPercent, row.weekly.reset]).toEqual(want.weekly);
    expect(row.checked).toBe(want.checked);
  });

  test("detail shows the reset as local time; a passed one still says now", () => {
    const row = quotaRow(input({ windows: [win("5h", 10, now + 2 * H + 5 * M), win("weekly", 30, now - 1)] }), now, {
      detail: true,
    });
    expect(row.fiveHour?.reset).toBe("14:05");
    expect(row.weekly?.reset).toBe("now");
    const later = quotaRow(input({ windows: [win("weekly", 30, new Date(2026, 2, 5, 8, 30).getTime())] }), now, {
      detail: true,
    });
    expect(later.weekly?.reset).toBe("Mar 5 08:30");
  });

  test("mainWindows: a non-5h short window stands in for the 5h one; other limits go to others", () => {
    const other = win("5h", 1, null, "gpt-5-pro");
    const short = { ...win("5h", 5, null), label: "other" as const };
    const m = mainWindows([other, short, win("weekly", 2, null)]);
    expect(m.primary).toBe(short);
    expect(m.weekly?.usedPercent).toBe(2);
    expect(m.others).toEqual([other]);
  });
});

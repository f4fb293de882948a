import { describe, expect, test } from "bun:test";
import { RecentTokens } from "./recent-tokens.ts";

describe("RecentTokens", () => {
  const HOUR = 3_600_000;
  const cases: { name: string; notes: [string, string, number][]; ask: [string, string, number]; want: boolean }[] = [
    { name: "a token the profile held just now", notes: [["p1", "rt-1", 0]], ask: ["p1", "rt-1", 10], want: true },
    {
      name: "one it held at the edge of the window",
      notes: [["p1", "rt-1", 0]],
      ask: ["p1", "rt-1", HOUR],
      want: true,
    },
    {
      name: "one last seen longer ago than the window",
      notes: [["p1", "rt-1", 0]],
      ask: ["p1", "rt-1", HOUR + 1],
      want: false,
    },
    {
      name: "seeing it again renews it",
      notes: [
        ["p1", "rt-1", 0],
        ["p1", "rt-1", HOUR],
      ],
      ask: ["p1", "rt-1", HOUR + 10],
      want: true,
    },
    {
      name: "a rotated-away token within the window",
      notes: [
        ["p1", "rt-1", 0],
        ["p1", "rt-2", 5],
      ],
      ask: ["p1", "rt-1", 100],
      want: true,
    },
    { name: "another profile's token", notes: [["p2", "rt-9", 0]], ask: ["p1", "rt-9", 1], want: false },
    { name: "a token never seen", notes: [["p1", "rt-1", 0]], ask: ["p1", "rt-x", 1], want: false },
    { name: "a prefix of a seen token", notes: [["p1", "rt-123", 0]], ask: ["p1", "rt-12", 1], want: false },
    { name: "a profile never seen", notes: [], ask: ["p1", "rt-1", 0], want: false },
  ];
  test.each(cases)("$name", ({ notes, ask, want }) => {
    const r = new RecentTokens();
    for (const [p, t, at] of notes) r.note(p, t, at);
    expect(r.held(...ask)).toBe(want);
  });

  test("keeps only the newest few per profile", () => {
    const r = new RecentTokens(HOUR, 3);
    for (let i = 1; i <= 5; i++) r.note("p1", `rt-${i}`, i);
    expect([1, 2, 3, 4, 5].map((i) => r.held("p1", `rt-${i}`, 10))).toEqual([false, false, true, true, true]);
  });

  test("holder: the profile that held a token, across profiles; none for a stranger's or a stale one", () => {
    const r = new RecentTokens(HOUR);
    r.note("p1", "at-1", 0);
    r.note("p2", "at-2", 0);
    expect(r.holder("at-2", 10)).toBe("p2");
    expect(r.holder("at-3", 10)).toBeNull();
    expect(r.holder("at-1", HOUR + 1)).toBeNull();
  });
});

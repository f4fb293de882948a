import { describe, expect, test } from "bun:test";
import { makeTheme } from "../env/theme.ts";
import { lineText, lineWidth } from "./lines.ts";
import { nextPeriod, usageBudget, usageLines, type UsageViewProps, withAccountWindows } from "./usage-view.ts";
import { sampleProfile, sampleSnapshot, sampleUsage } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const theme = makeTheme();
const base: UsageViewProps = { summary: sampleUsage(now), period: "1h", theme, width: 120, height: 24, now };
const text = (over: Partial<UsageViewProps> = {}) => usageLines({ ...base, ...over }).map((l) => lineText(l).trimEnd());

describe("withAccountWindows", () => {
  const row = sampleUsage(now).periods[2]?.by.profile?.[0];
  test.each([
    ["its windows' used percents", sampleProfile({ name: "backup" }, now), { "5h": 20, weekly: 10 }],
    [
      "a window that has reset since it was read: 0",
      sampleProfile(
        {
          name: "backup",
          windows: [{ label: "5h", usedPercent: 80, windowSeconds: 18_000, resetAt: now - 1, limit: "codex" }],
        },
        now,
      ),
      { "5h": 0, weekly: null },
    ],
    ["never read: none", sampleProfile({ name: "backup", windows: [] }, now), { "5h": null, weekly: null }],
  ] as const)("%s", (_name, profile, windows) => {
    expect(withAccountWindows([row!], [profile], now)[0]?.windows).toEqual(windows);
  });
  test("a row with no profile of that name is left as it is", () => {
    expect(withAccountWindows([row!], [], now)).toEqual([row!]);
  });
});

describe("usageBudget", () => {
  test.each([
    ["all fit", [4, 3], 20, [4, 3]],
    ["a fair part each", [10, 10], 9, [5, 4]],
    ["the small one fills up, the big one takes the rest", [2, 30], 12, [2, 10]],
    ["no room", [3, 3], 0, [0, 0]],
    ["nothing to show", [], 10, []],
  ] as const)("%s", (_name, needs, room, got) => {
    expect(usageBudget(needs, room)).toEqual([...got]);
  });
});

test.each([
  ["1h", 1, "24h"],
  ["7d", 1, "1h"],
  ["1h", -1, "7d"],
  ["24h", -1, "1h"],
] as const)("nextPeriod(%s, %d) = %s", (from, step, to) => {
  expect(nextPeriod(from, step)).toBe(to);
});

describe("usageLines", () => {
  for (const [w, h] of [
    [120, 24],
    [80, 24],
    [50, 10],
    [30, 5],
  ] as const)
    test(`exactly ${w}x${h}`, () => {
      const lines = usageLines({ ...base, width: w, height: h });
      expect(lines).toHaveLength(h);
      for (const l of lines) expect(lineWidth(l)).toBe(w);
    });

  test("last hour: the period's totals, then per profile and per model, biggest first", () => {
    const t = text();
    expect(t[0]).toMatch(/^ prodex usage · last hour · 3 req · 0 err · 49k tokens: 46k in \(23k cached\) · /);
    expect(t[0]).toMatch(/ · 2\.7k out \(675 reasoning\)\s+12:00:00$/);
    expect(t[1]).toBe("  1 last hour   2 last day   3 last 7 days");
    expect(t[2]).toMatch(/^─ by profile · last hour ─+$/);
    expect(t[3]).toMatch(/^ {2}PROFILE\s+REQ/);
    expect(t[4]).toMatch(/^ {2}work\s+2\s+0\s+42k\s+21k\s+2\.3k\s+575 .*\s91%$/);
    expect(t[5]).toMatch(/^ {2}personal\s+1\s+0\s+4\.0k\s+2\.0k\s+400\s+100 .*\s9%$/);
    expect(t[6]).toMatch(/^─ by model · last hour ─+$/);
    expect(t[8]).toMatch(/^ {2}gpt-5-codex\s+2 .*\s91%$/);
    expect(t[9]).toMatch(/^ {2}gpt-5\s+1 .*\s9%$/);
    expect(t[23]).toBe(" 1 2 3 / ←→ period · t pool view · esc back to agent");
  });

  test("7 days: every profile, the failed request counted as an error", () => {
    const t = text({ period: "7d", standalone: true });
    expect(t[0]).toMatch(/· 7 req · 1 err · 319k tokens/);
    expect(t.filter((l) => /^ {2}(backup|work|personal) /.test(l)).map((l) => l.split(/\s+/)[1])).toEqual([
      "backup",
      "work",
      "personal",
    ]);
    expect(t[23]).toContain("q quit");
  });

  test("a short terminal keeps both tables, each summing up what it cannot list", () => {
    const t = text({ period: "7d", height: 11 });
    expect(t).toHaveLength(11);
    expect(t.filter((l) => /^ {2}(backup|gpt-5-codex) /.test(l))).toHaveLength(2);
    expect(t.filter((l) => l.startsWith("  +"))).toEqual([
      "  +2 more · 19% of the total",
      "  +2 more · 5% of the total",
    ]);
  });

  test("with the pool's profiles: each profile row shows its own account's windows, model rows none", () => {
    const t = text({ period: "7d", profiles: sampleSnapshot(now).profiles, width: 130 });
    expect(t.find((l) => l.startsWith("  PROFILE"))).toMatch(/SHARE\s+5H PTS\s+WK PTS$/);
    expect(t.find((l) => l.startsWith("  backup "))).toMatch(/\s100\s+71$/);
    expect(t.find((l) => l.startsWith("  work "))).toMatch(/\s62\s+17$/);
    expect(t.find((l) => l.startsWith("  MODEL"))).toMatch(/SHARE$/);
  });

  test("before the first summary, and a period with nothing in it", () => {
    expect(text({ summary: null })[3]).toBe(" reading the usage ledger…");
    const t = text({ summary: { at: now, periods: [] } });
    expect(t.filter((l) => l === "  nothing in this period")).toHaveLength(2);
  });
});

import { describe, expect, test } from "bun:test";
import { ledgerTotals, sumTotals } from "@prodex/core";
import type { LedgerTotal, UsageTotal } from "@prodex/core/types";
import { makeTheme } from "../env/theme.ts";
import { lineText, lineWidth } from "./lines.ts";
import { fmtShare, shareOf, usageTableLines } from "./usage-table.ts";
import { sampleLedger } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const theme = makeTheme();
const byProfile = ledgerTotals(sampleLedger(now), "profile");
const byModel = ledgerTotals(sampleLedger(now), "model");

const total = (over: Partial<LedgerTotal>): LedgerTotal => ({ ...sumTotals([]), ...over });
const text = (lines: ReturnType<typeof usageTableLines>) => lines.map((l) => lineText(l).trimEnd());

describe("shareOf", () => {
  test.each([
    ["a part of the tokens", { totalTokens: 25, requests: 1 }, { totalTokens: 100, requests: 4 }, 0.25],
    ["all of them", { totalTokens: 100 }, { totalTokens: 100 }, 1],
    ["no tokens anywhere: of the requests", { requests: 1 }, { requests: 4 }, 0.25],
    ["no tokens for the row, some in total", { requests: 3 }, { totalTokens: 10, requests: 4 }, 0],
    ["nothing at all", {}, {}, 0],
  ] as const)("%s", (_name, row, of, share) => {
    expect(shareOf(total(row), total(of))).toBe(share);
  });
});

test.each([
  [0, "0%"],
  [0.004, "<1%"],
  [0.005, "1%"],
  [0.424, "42%"],
  [1, "100%"],
  [1.2, "100%"],
])("fmtShare(%d) = %s", (share, out) => {
  expect(fmtShare(share)).toBe(out);
});

describe("usageTableLines", () => {
  test("header, rows by use with their numbers and shares, every line exactly the width", () => {
    const lines = usageTableLines({ rows: [...byProfile].reverse(), label: "PROFILE", theme, width: 110, height: 10 });
    for (const l of lines) expect(lineWidth(l)).toBe(110);
    const t = text(lines);
    expect(t[0]).toMatch(/^ {2}PROFILE\s+REQ\s+ERR\s+INPUT\s+CACHED\s+OUTPUT\s+REASONING\s+SHARE$/);
    // backup: 250k in + 9k out of 318.7k tokens; work: 50k + 3.2k; personal: 6k + 500.
    expect(t[1]).toMatch(/^ {2}backup\s+2\s+1\s+250k\s+125k\s+9\.0k\s+2\.3k\s+█+[▏▎▍▌▋▊▉]?░*\s+81%$/);
    expect(t[2]).toMatch(/^ {2}work\s+3\s+0\s+50k\s+25k\s+3\.2k\s+800\s+█+[▏▎▍▌▋▊▉]?░+\s+17%$/);
    expect(t[3]).toMatch(/^ {2}personal\s+2\s+0\s+6\.0k\s+3\.0k\s+500\s+125\s+[▏▎▍▌▋▊▉]?░+\s+2%$/);
    expect(t).toHaveLength(4);
  });

  test.each([
    [110, ["REQ", "ERR", "INPUT", "CACHED", "OUTPUT", "REASONING", "SHARE"], true],
    [80, ["REQ", "ERR", "INPUT", "CACHED", "OUTPUT", "REASONING", "SHARE"], true],
    [70, ["REQ", "ERR", "INPUT", "CACHED", "OUTPUT", "REASONING", "SHARE"], false],
    [60, ["REQ", "ERR", "INPUT", "CACHED", "OUTPUT", "SHARE"], false],
    [40, ["REQ", "INPUT", "SHARE"], false],
    [20, ["SHARE"], false],
  ] as const)("%d columns: %j (bar %p)", (width, titles, bar) => {
    const lines = usageTableLines({ rows: byModel, label: "MODEL", theme, width, height: 5 });
    for (const l of lines) expect(lineWidth(l)).toBe(width);
    const header = lineText(lines[0] ?? []);
    expect(header.split(/\s+/).filter(Boolean).slice(1)).toEqual([...titles]);
    expect(
      text(lines)
        .slice(1)
        .some((l) => l.includes("█")),
    ).toBe(bar);
  });

  test("rows that do not fit are summed up in the last line", () => {
    const t = text(usageTableLines({ rows: byModel, label: "MODEL", theme, width: 90, height: 3 }));
    expect(t).toHaveLength(3);
    expect(t[1]).toMatch(/^ {2}gpt-5-codex /);
    expect(t[2]).toBe("  +2 more · 5% of the total");
  });

  test("nothing in the period says so", () => {
    expect(text(usageTableLines({ rows: [], label: "KEY", theme, width: 60, height: 4 }))).toEqual([
      expect.stringMatching(/^ {2}KEY\s+REQ/),
      "  nothing in this period",
    ]);
  });

  test("a long label is cut with an ellipsis, the numbers stay", () => {
    const rows = [{ ...total({ requests: 7, totalTokens: 10, inputTokens: 10 }), group: "x".repeat(80) }];
    const t = text(usageTableLines({ rows, label: "KEY", theme, width: 70, height: 2 }));
    expect(t[1]).toMatch(/^ {2}x+… +7 /);
    expect(Bun.stringWidth(t[1] ?? "")).toBeLessThanOrEqual(70);
  });

  test("window points when the source estimated them; the selected row is marked", () => {
    const rows: UsageTotal[] = [
      { ...total({ group: "ci-bot", requests: 9, totalTokens: 900 }), windows: { "5h": 31.6, weekly: 0.2 } },
      { ...total({ group: "dev-1", requests: 2, totalTokens: 100 }), windows: { "5h": null, weekly: 4 } },
    ];
    const t = text(usageTableLines({ rows, label: "KEY", theme, width: 120, height: 3, selected: 1 }));
    expect(t[0]).toMatch(/SHARE\s+5H PTS\s+WK PTS$/);
    expect(t[1]).toMatch(/^ {2}ci-bot .* 90%\s+32\s+<1$/);
    expect(t[2]).toMatch(/^▸ dev-1 .* 10%\s+—\s+4$/);
  });

  test("a model name from upstream cannot steer the terminal: control characters are shown, not sent", () => {
    const rows = [{ ...total({ requests: 1, totalTokens: 5 }), group: "gpt\u001b]52;c;ZXZpbA==\u0007\u001b[2J" }];
    const t = text(usageTableLines({ rows, label: "MODEL", theme, width: 120, height: 2 }));
    expect(t[1]).toContain("gpt\\u{1b}]52;c;ZXZpbA==\\u{7}");
    expect(t.join("\n")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u);
    expect(Bun.stringWidth(t[1] ?? "")).toBeLessThanOrEqual(120);
  });

  test("ASCII terminals get ASCII bars and marks", () => {
    const ascii = makeTheme({ ascii: true });
    const t = text(
      usageTableLines({ rows: byProfile, label: "PROFILE", theme: ascii, width: 110, height: 4, selected: 0 }),
    );
    expect(t[1]).toMatch(/^> backup .*#+\.*\s+81%$/);
    expect(t.join("")).not.toMatch(/[^\x20-\x7e]/);
  });
});

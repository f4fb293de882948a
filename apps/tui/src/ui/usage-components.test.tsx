// The usage table and view drawn through Ink, as `prodex dashboard` and the team dashboard show them.
import { beforeAll, describe, expect, test } from "bun:test";
import { render } from "ink-testing-library";
import { ledgerTotals } from "@prodex/core";
import { detectTheme, makeTheme } from "../env/theme.ts";
import { enableStyles, UsageTable, UsageView } from "./components.tsx";
import { sampleLedger, sampleUsage } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const theme = makeTheme();
const strip = (s: string | undefined) => Bun.stripANSI(s ?? "");
const lines = (s: string | undefined) => strip(s).split("\n");

beforeAll(() => enableStyles());

describe("UsageTable", () => {
  const rows = ledgerTotals(sampleLedger(now), "profile");
  test("one row per label, biggest first, the share bar in cyan and errors in red", () => {
    const { lastFrame } = render(<UsageTable rows={rows} label="PROFILE" theme={theme} width={100} height={6} />);
    const out = lines(lastFrame());
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^ {2}PROFILE\s+REQ\s+ERR\s+INPUT\s+CACHED\s+OUTPUT\s+REASONING\s+SHARE$/);
    expect(out.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(["backup", "work", "personal"]);
    expect(out[1]).toMatch(/\s81%$/);
    expect(lastFrame()).toContain("\x1b[36m█"); // cyan bar
    expect(lastFrame()).toMatch(/\x1b\[31m\s*1\x1b/); // backup's failed request, red
    for (const l of out) expect(Bun.stringWidth(l)).toBeLessThanOrEqual(100);
  });

  test("a new row rerenders in its place by use", () => {
    const view = render(<UsageTable rows={rows} label="PROFILE" theme={theme} width={90} height={6} />);
    const more = [...rows, { ...rows[0]!, group: "heavy", totalTokens: 10_000_000, requests: 1 }];
    view.rerender(<UsageTable rows={more} label="PROFILE" theme={theme} width={90} height={6} />);
    expect(lines(view.lastFrame())[1]).toMatch(/^ {2}heavy\s/);
  });

  test("NO_COLOR: no colour codes, text intact; TERM=dumb: ASCII only", () => {
    const noColor = render(
      <UsageTable rows={rows} label="PROFILE" theme={detectTheme({ NO_COLOR: "1" })} width={100} height={6} />,
    );
    expect(noColor.lastFrame()).not.toMatch(/\x1b\[(3|9)\dm/);
    expect(strip(noColor.lastFrame())).toMatch(/backup .*█+/);
    const dumb = strip(
      render(
        <UsageTable rows={rows} label="PROFILE" theme={detectTheme({ TERM: "dumb" })} width={100} height={6} />,
      ).lastFrame(),
    );
    expect(/^[\x20-\x7e\n]*$/.test(dumb)).toBe(true);
    expect(dumb).toMatch(/backup .*#+\.*\s+81%/);
  });
});

describe("UsageView", () => {
  const summary = sampleUsage(now);
  test("the screen: header with the period's totals, period tabs, a table per grouping, the keys", () => {
    const { lastFrame } = render(
      <UsageView summary={summary} period="24h" theme={theme} width={100} height={20} now={now} standalone />,
    );
    const out = lines(lastFrame());
    expect(out).toHaveLength(20);
    expect(out[0]).toMatch(/^ prodex usage · last day · 6 req · 1 err · 60k tokens/);
    expect(out[1]).toContain("1 last hour   2 last day   3 last 7 days");
    expect(lastFrame()).toContain("\x1b[7m"); // the selected period, inverse
    expect(out.find((l) => l.startsWith("─ by profile"))).toBeDefined();
    expect(out.find((l) => l.startsWith("─ by model"))).toBeDefined();
    expect(out.find((l) => /^ {2}gpt-5-mini\s+1\s/.test(l))).toBeDefined();
    expect(out[19]).toContain("q quit");
  });

  test("a narrow, short terminal still draws the totals and the top rows", () => {
    const { lastFrame } = render(
      <UsageView summary={summary} period="7d" theme={theme} width={40} height={11} now={now} />,
    );
    const out = lines(lastFrame());
    expect(out).toHaveLength(11);
    for (const l of out) expect(Bun.stringWidth(l)).toBeLessThanOrEqual(40);
    expect(out[0]).toMatch(/^ prodex usage · last 7 days · 7 req · …$/);
    expect(out.find((l) => /^ {2}backup\s+2\s/.test(l))).toBeDefined();
    expect(out.find((l) => /^ {2}gpt-5-codex\s+\d/.test(l))).toBeDefined();
  });
});

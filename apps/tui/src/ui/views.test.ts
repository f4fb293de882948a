import { describe, expect, test } from "bun:test";
import { makeTheme } from "../env/theme.ts";
import { initPoolState } from "../feed/pool-state.ts";
import { initialPoolView } from "../pool/pool-controller.ts";
import { confirmLines, helpLines } from "./help-overlay.ts";
import { lineText, lineWidth } from "./lines.ts";
import { poolBudget, poolLines } from "./pool-view.ts";
import { panelBudget, panelLines } from "./side-panel.ts";
import { sampleEvents, sampleSnapshot } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const theme = makeTheme();
const state = initPoolState(sampleSnapshot(now), sampleEvents(now));

describe("views have exact sizes", () => {
  for (const [w, h] of [
    [32, 12],
    [44, 45],
    [60, 20],
  ] as const)
    test(`panel ${w}x${h}`, () => {
      const lines = panelLines({ state, theme, width: w, height: h, now });
      expect(lines).toHaveLength(h);
      for (const l of lines) expect(lineWidth(l)).toBe(w);
    });
  for (const [w, h] of [
    [80, 24],
    [160, 45],
    [60, 8],
  ] as const)
    test(`pool view ${w}x${h}`, () => {
      const lines = poolLines({ state, view: initialPoolView, theme, width: w, height: h, now });
      expect(lines).toHaveLength(h);
      for (const l of lines) expect(lineWidth(l)).toBe(w);
    });
  test("help and confirm boxes", () => {
    for (const l of helpLines(theme, "Ctrl-]", 60)) expect(lineWidth(l)).toBe(60);
    expect(confirmLines(theme, "Quit codex?", 40).map(lineText)[1]).toContain("Quit codex?  y yes  n no");
  });
});

describe("budgets", () => {
  const profiles = sampleSnapshot(now).profiles;
  test("panel: detailed, then compact, then a subset", () => {
    expect(panelBudget(profiles, 45, now)).toEqual({ compact: false, shown: 4, activityRows: 45 - 7 - 12 });
    expect(panelBudget(profiles, 16, now)).toEqual({ compact: true, shown: 4, activityRows: 5 });
    expect(panelBudget(profiles, 11, now)).toEqual({ compact: true, shown: 0, activityRows: 3 });
  });
  test("pool view: the table first, history only with room for events", () => {
    expect(poolBudget(4, 45)).toEqual({ table: 5, history: 4, events: 31 });
    expect(poolBudget(4, 14)).toEqual({ table: 5, history: 0, events: 4 });
  });
});

describe("pool view content", () => {
  test("selection, filter description and footer", () => {
    const lines = poolLines({
      state,
      view: { ...initialPoolView, selected: 1, level: "warn", text: "back" },
      theme,
      width: 140,
      height: 30,
      now,
      title: "codex",
    }).map(lineText);
    expect(lines[0]).toMatch(
      /^ prodex pool · 4 profiles · serving work · auto · 188 req · 4 err · 701ms median\s+12:00:00 $/,
    );
    expect(lines.find((l) => l.startsWith("› 2 personal"))).toBeDefined();
    expect(lines.find((l) => l.includes('events · warn+ · "back"'))).toBeDefined();
    const events = lines.filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(events).toHaveLength(1);
    expect(events[0]).toContain("backoff");
    expect(lines[29]).toContain("esc back to codex");
  });
});

test("upstream text cannot steer the terminal: control characters in events and names are shown, not sent", () => {
  const hostile = "\u001b]52;c;ZXZpbA==\u0007\u001b[2J\nnext\u009b31m\u202e";
  const events = [
    ...sampleEvents(now),
    {
      id: 99,
      at: now - 1000,
      kind: "error" as const,
      level: "error" as const,
      profile: `p${hostile}`,
      message: `upstream said ${hostile}`,
    },
  ];
  const hostileState = initPoolState(sampleSnapshot(now), events);
  const panel = panelLines({ state: hostileState, theme, width: 60, height: 30, now }).map(lineText);
  const pool = poolLines({ state: hostileState, view: initialPoolView, theme, width: 160, height: 40, now }).map(
    lineText,
  );
  const shown = [...panel, ...pool].join("\n");
  expect(shown).toContain("upstream said \\u{1b}]52;c;ZXZpbA==\\u{7}");
  expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/u);
});

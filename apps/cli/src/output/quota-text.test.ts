import { describe, expect, test } from "bun:test";
import { type QuotaResult, type UsageWindow, quotaRow } from "@prodex/core";
import { infoText } from "./info-output.ts";
import { quotaCellText, renderQuotaText } from "./quota-text.ts";
import { quotaRowInput } from "./quota-views.ts";
import type { InfoJson } from "./schemas/info.ts";

const M = 60_000;
const H = 60 * M;
const now = new Date(2026, 2, 3, 12, 0, 0).getTime();
const win = (label: "5h" | "weekly", usedPercent: number, resetAt: number | null): UsageWindow => ({
  label,
  usedPercent,
  resetAt,
  windowSeconds: null,
  limit: "codex",
});

function result(name: string, windows: UsageWindow[], o: { error?: string; needsLogin?: boolean } = {}): QuotaResult {
  return {
    profile: {
      id: 1,
      name,
      codexHome: `/h/${name}`,
      kind: "managed",
      accountId: null,
      email: `${name}@example.com`,
      plan: "plus",
      authState: "ok",
      createdAt: 0,
      updatedAt: 0,
      lastSelectedAt: null,
      pausedAt: null,
      pausedBy: null,
    },
    snapshot: { profile: name, fetchedAt: now - 3 * M, source: "live", plan: "plus", windows },
    error: o.error ?? null,
    needsLogin: o.needsLogin ?? false,
    raw: null,
  };
}

const results = [
  result("work", [win("5h", 62, now + 2 * H + 5 * M), win("weekly", 30, now + 50 * H)]),
  result("spent", [win("5h", 100, now - 1)]),
  result("old", [], { needsLogin: true }),
];

describe("prodex quota in a pipe: the quota row model's words", () => {
  const out = renderQuotaText(results, { now, current: "work", detail: false, color: false }).split("\n");

  test.each([
    [0, /^ {3}PROFILE\s+STATUS\s+5H USED\s+WEEKLY USED\s+PLAN$/],
    [1, /^\*\s+work\s+Ready\s+#{6}\.{4}\s+62% 2h 5m\s+###\.{7}\s+30% 2d 2h\s+plus$/],
    [2, /^\s+spent\s+Ready\s+\.{10}\s+0% now\s+unknown\s+plus$/],
    [3, /^\s+old\s+Needs login\s+unknown\s+unknown\s+plus$/],
  ])("line %d", (i, want) => expect(out[i]).toMatch(want));

  test("--detail gives the reset as local time", () => {
    const detail = renderQuotaText(results.slice(0, 1), { now, current: null, detail: true, color: false });
    expect(detail).toContain("62% 14:05");
  });

  test("a failed read says how old the snapshot shown is", () => {
    const failed = renderQuotaText([result("work", [win("5h", 10, null)], { error: "HTTP 502" })], {
      now,
      current: null,
      detail: false,
      color: false,
    });
    expect(failed).toContain("last good 3m ago; HTTP 502");
  });
});

test("prodex info's table draws the same cells as prodex quota", () => {
  const rows = results.map((r) => quotaRow(quotaRowInput(r, "work"), now));
  const info: InfoJson = {
    schema: "prodex.info/v1",
    generatedAt: new Date(now).toISOString(),
    version: { prodex: "0.0.0", bun: "1.4.4" },
    home: "/h",
    database: "/h/prodex.db",
    current: "work",
    profiles: results.map((r, i) => ({
      name: r.profile.name,
      current: i === 0,
      email: r.profile.email,
      plan: "plus",
      status: rows[i]?.status ?? "unknown",
      needsLogin: r.needsLogin,
      availability: { state: "ready", label: "Ready", reason: null, until: null, since: null },
      fiveHourRemainingPercent: null,
      weeklyRemainingPercent: null,
      fetchedAt: null,
    })),
    pool: { profiles: 3, ready: 2, exhausted: 0, resting: 0, paused: 0, needsLogin: 1, windows: [], runsOutAt: null },
    runtimes: [],
  };
  const text = infoText(info, rows, { now, color: false });
  expect(text).toMatch(/PROFILE\s+STATUS\s+5H USED\s+WEEKLY USED\s+PLAN\s+CHECKED\s+EMAIL/);
  for (const row of rows) expect(text).toContain(quotaCellText(row.fiveHour));
  expect(text).toMatch(
    /work\s+Ready\s+#{6}\.{4}\s+62% 2h 5m\s+###\.{7}\s+30% 2d 2h\s+plus\s+3m ago\s+work@example.com/,
  );
});

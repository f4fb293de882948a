import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { QuotaStatus, UsageWindow, WindowLabel } from "./types.ts";
import { usageResponseSchema } from "./usage-schema.ts";
import {
  CRITICAL_BELOW,
  THIN_BELOW,
  effectiveUsed,
  labelWindow,
  quotaStatus,
  readyAgainAt,
  windowByLabel,
  windowsFromHeaders,
  windowsFromUsage,
} from "./windows.ts";

const NOW = 1_800_000_000_000;
const win = (usedPercent: number, over: Partial<UsageWindow> = {}): UsageWindow => ({
  label: "5h",
  usedPercent,
  windowSeconds: 18_000,
  resetAt: NOW + 3_600_000,
  limit: "codex",
  ...over,
});

describe("labelWindow", () => {
  const cases: [number | null | undefined, WindowLabel][] = [
    [18_000, "5h"],
    [18_000 * 0.75, "5h"],
    [18_000 * 1.25, "5h"],
    [18_000 * 1.26, "other"],
    [3_600, "other"],
    [604_800, "weekly"],
    [604_800 * 0.8, "weekly"],
    [604_800 * 1.3, "other"],
    [86_400, "other"],
    [0, "other"],
    [null, "other"],
    [undefined, "other"],
  ];
  for (const [seconds, want] of cases) {
    test(`${seconds} s → ${want}`, () => expect(labelWindow(seconds)).toBe(want));
  }
});

describe("windowsFromUsage", () => {
  test("the example from the protocol reference", async () => {
    const raw: unknown = await Bun.file(join(import.meta.dir, "fixtures", "wham-usage.json")).json();
    const usage = usageResponseSchema.parse(raw);
    expect(windowsFromUsage(usage, NOW)).toEqual([
      { label: "5h", usedPercent: 12, windowSeconds: 18_000, resetAt: 1_795_697_866_000, limit: "codex" },
      { label: "weekly", usedPercent: 40, windowSeconds: 604_800, resetAt: 1_795_953_466_000, limit: "codex" },
    ]);
  });

  const cases: {
    name: string;
    body: unknown;
    want: Pick<UsageWindow, "label" | "usedPercent" | "limit" | "resetAt">[];
    status: QuotaStatus;
  }[] = [
    {
      name: "reset_after_seconds when reset_at is absent",
      body: {
        rate_limit: { primary_window: { used_percent: 50, limit_window_seconds: 18_000, reset_after_seconds: 60 } },
      },
      want: [{ label: "5h", usedPercent: 50, limit: "codex", resetAt: NOW + 60_000 }],
      status: "ready",
    },
    {
      name: "additional limits follow the main one, named by limit_name or metered_feature",
      body: {
        rate_limit: { primary_window: { used_percent: 10, limit_window_seconds: 18_000, reset_at: 1_800_000_100 } },
        additional_rate_limits: [
          {
            limit_name: "codex_other",
            rate_limit: {
              primary_window: { used_percent: 100, limit_window_seconds: 604_800, reset_at: 1_800_000_200 },
            },
          },
          {
            metered_feature: "cloud_tasks",
            rate_limit: { secondary_window: { used_percent: 30, limit_window_seconds: 3_600 } },
          },
          { rate_limit: null },
        ],
      },
      want: [
        { label: "5h", usedPercent: 10, limit: "codex", resetAt: 1_800_000_100_000 },
        { label: "weekly", usedPercent: 100, limit: "codex_other", resetAt: 1_800_000_200_000 },
        { label: "other", usedPercent: 30, limit: "cloud_tasks", resetAt: null },
      ],
      // A full additional limit does not exhaust the main Codex limit.
      status: "ready",
    },
    { name: "no rate_limit at all", body: { plan_type: "plus" }, want: [], status: "unknown" },
    { name: "rate_limit null", body: { rate_limit: null, additional_rate_limits: null }, want: [], status: "unknown" },
    {
      name: "both windows null",
      body: { rate_limit: { primary_window: null, secondary_window: null, limit_reached: true } },
      want: [],
      status: "unknown",
    },
    {
      name: "a window without used_percent is unknown (dropped), the other one still counts",
      body: {
        rate_limit: {
          primary_window: { limit_window_seconds: 18_000 },
          secondary_window: { used_percent: 20, limit_window_seconds: 604_800 },
        },
      },
      want: [{ label: "weekly", usedPercent: 20, limit: "codex", resetAt: null }],
      status: "ready",
    },
    {
      name: "a window that is not an object is unknown, never exhausted",
      body: { rate_limit: { primary_window: "full", secondary_window: 7 } },
      want: [],
      status: "unknown",
    },
    {
      name: "only the extra limit known: main status unknown",
      body: {
        rate_limit: null,
        additional_rate_limits: [{ limit_name: "x", rate_limit: { primary_window: { used_percent: 100 } } }],
      },
      want: [{ label: "other", usedPercent: 100, limit: "x", resetAt: null }],
      status: "unknown",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = usageResponseSchema.safeParse(c.body);
      expect(parsed.success).toBe(true);
      if (!parsed.success) return;
      const windows = windowsFromUsage(parsed.data, NOW);
      expect(windows.map(({ label, usedPercent, limit, resetAt }) => ({ label, usedPercent, limit, resetAt }))).toEqual(
        c.want,
      );
      expect(quotaStatus(windows, NOW)).toBe(c.status);
    });
  }
});

describe("effectiveUsed", () => {
  const cases: { name: string; w: UsageWindow; want: number }[] = [
    { name: "before reset", w: win(80), want: 80 },
    { name: "reset exactly now", w: win(80, { resetAt: NOW }), want: 0 },
    { name: "after reset", w: win(100, { resetAt: NOW - 1 }), want: 0 },
    { name: "unknown reset keeps the number", w: win(100, { resetAt: null }), want: 100 },
  ];
  for (const c of cases) test(c.name, () => expect(effectiveUsed(c.w, NOW)).toBe(c.want));
});

describe("quotaStatus", () => {
  const cases: { name: string; windows: UsageWindow[]; want: QuotaStatus }[] = [
    { name: "no windows", windows: [], want: "unknown" },
    { name: "only additional limits", windows: [win(100, { limit: "other" })], want: "unknown" },
    { name: "0% used", windows: [win(0)], want: "ready" },
    { name: `remaining exactly ${THIN_BELOW}%`, windows: [win(100 - THIN_BELOW)], want: "ready" },
    { name: "remaining just under thin", windows: [win(100 - THIN_BELOW + 0.5)], want: "thin" },
    { name: `remaining exactly ${CRITICAL_BELOW}%`, windows: [win(100 - CRITICAL_BELOW)], want: "thin" },
    { name: "remaining just under critical", windows: [win(100 - CRITICAL_BELOW + 0.5)], want: "critical" },
    { name: "99.9% used", windows: [win(99.9)], want: "critical" },
    { name: "100% used", windows: [win(100)], want: "exhausted" },
    { name: "over 100% used", windows: [win(120)], want: "exhausted" },
    {
      name: "the tighter window decides",
      windows: [win(10), win(95, { label: "weekly", windowSeconds: 604_800 })],
      want: "critical",
    },
    {
      name: "weekly full, 5h fine",
      windows: [win(10), win(100, { label: "weekly", windowSeconds: 604_800 })],
      want: "exhausted",
    },
    { name: "full but its reset has passed", windows: [win(100, { resetAt: NOW - 1000 })], want: "ready" },
  ];
  for (const c of cases) test(c.name, () => expect(quotaStatus(c.windows, NOW)).toBe(c.want));
});

describe("readyAgainAt", () => {
  test("the latest reset among full windows", () => {
    const w = [
      win(100, { resetAt: NOW + 1000 }),
      win(100, { label: "weekly", resetAt: NOW + 5000 }),
      win(10, { resetAt: NOW + 9000 }),
    ];
    expect(readyAgainAt(w, NOW)).toBe(NOW + 5000);
  });
  test("null when nothing is full or a full window's reset is unknown", () => {
    expect(readyAgainAt([win(50)], NOW)).toBeNull();
    expect(readyAgainAt([win(100, { resetAt: null })], NOW)).toBeNull();
  });
  test("windowByLabel finds main-limit windows only", () => {
    expect(windowByLabel([win(1, { limit: "x" }), win(2)], "5h")?.usedPercent).toBe(2);
    expect(windowByLabel([win(1)], "weekly")).toBeUndefined();
  });
});

describe("windowsFromHeaders", () => {
  const cases: {
    name: string;
    headers: Record<string, string>;
    want: Pick<UsageWindow, "label" | "usedPercent" | "windowSeconds" | "resetAt">[];
  }[] = [
    {
      name: "both windows, reset-at in seconds",
      headers: {
        "x-codex-primary-used-percent": "12",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": "1800000100",
        "x-codex-secondary-used-percent": "40.5",
        "x-codex-secondary-window-minutes": "10080",
        "x-codex-secondary-reset-after-seconds": "60",
      },
      want: [
        { label: "5h", usedPercent: 12, windowSeconds: 18_000, resetAt: 1_800_000_100_000 },
        { label: "weekly", usedPercent: 40.5, windowSeconds: 604_800, resetAt: NOW + 60_000 },
      ],
    },
    { name: "no headers", headers: {}, want: [] },
    {
      name: "garbage or empty used-percent is skipped, not read as 0%",
      headers: { "x-codex-primary-used-percent": "abc", "x-codex-secondary-used-percent": "" },
      want: [],
    },
    {
      name: "only used-percent: unknown length and reset",
      headers: { "x-codex-primary-used-percent": "100" },
      want: [{ label: "other", usedPercent: 100, windowSeconds: null, resetAt: null }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = windowsFromHeaders(new Headers(c.headers), NOW);
      expect(
        got.map(({ label, usedPercent, windowSeconds, resetAt }) => ({ label, usedPercent, windowSeconds, resetAt })),
      ).toEqual(c.want);
      for (const w of got) expect(w.limit).toBe("codex");
    });
  }

  test("the headers of a real Codex answer", async () => {
    const text = await Bun.file(join(import.meta.dir, "fixtures", "codex-ok.headers")).text();
    const headers = new Headers();
    for (const line of text.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) headers.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    expect(windowsFromHeaders(headers, NOW)).toEqual([
      { label: "5h", usedPercent: 12.5, windowSeconds: 18_000, resetAt: 1_795_697_866_000, limit: "codex" },
      { label: "weekly", usedPercent: 40, windowSeconds: 604_800, resetAt: 1_795_953_466_000, limit: "codex" },
    ]);
  });
});

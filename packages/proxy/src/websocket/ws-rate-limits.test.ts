import { describe, expect, test } from "bun:test";
import type { UsageWindow } from "@prodex/core";
import { isRateLimitEvent, pooledRateLimitEvent, windowsFromRateLimitEvent } from "./ws-rate-limits.ts";

const NOW = 1_800_000_000_000;
const event = {
  type: "codex.rate_limits",
  plan_type: "plus",
  rate_limits: {
    primary: { used_percent: 42, window_minutes: 300, reset_at: 1_800_003_600 },
    secondary: { used_percent: 7, window_minutes: 10080, reset_at: 1_800_259_200 },
  },
};

test.each([
  [{ type: "codex.rate_limits" }, true],
  [{ type: "response.created" }, false],
  [null, false],
])("isRateLimitEvent(%j)", (json, want) => {
  expect(isRateLimitEvent(json)).toBe(want);
});

describe("windowsFromRateLimitEvent", () => {
  test("primary and secondary become the main limit's windows", () => {
    expect(windowsFromRateLimitEvent(event, NOW)).toEqual([
      { label: "5h", usedPercent: 42, windowSeconds: 18_000, resetAt: 1_800_003_600_000, limit: "codex" },
      { label: "weekly", usedPercent: 7, windowSeconds: 604_800, resetAt: 1_800_259_200_000, limit: "codex" },
    ]);
  });
  test.each([
    ["another metered limit", { ...event, metered_limit_name: "codex_other" }],
    ["no rate_limits", { type: "codex.rate_limits" }],
    ["non-numeric usage", { type: "codex.rate_limits", rate_limits: { primary: { used_percent: "x" } } }],
  ])("nothing from %s", (_name, json) => {
    expect(windowsFromRateLimitEvent(json, NOW)).toEqual([]);
  });
});

describe("pooledRateLimitEvent", () => {
  const pooled: UsageWindow[] = [
    { label: "5h", usedPercent: 3, windowSeconds: 18_000, resetAt: 1_800_001_000_000, limit: "codex" },
    { label: "weekly", usedPercent: 1, windowSeconds: 604_800, resetAt: 1_800_100_000_000, limit: "codex" },
  ];
  test("shows the pool's windows, keeping the rest of the event", () => {
    const out = pooledRateLimitEvent(event, pooled, NOW);
    expect(out.plan_type).toBe("plus");
    expect(out.rate_limits).toEqual({
      primary: { used_percent: 3, window_minutes: 300, reset_at: 1_800_001_000 },
      secondary: { used_percent: 1, window_minutes: 10080, reset_at: 1_800_100_000 },
    });
  });
  test("unchanged when the pool knows nothing", () => {
    expect(pooledRateLimitEvent(event, [], NOW)).toBe(event);
  });
});

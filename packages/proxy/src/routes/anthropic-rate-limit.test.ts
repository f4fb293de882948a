import { expect, test } from "bun:test";
import type { UsageWindow } from "@prodex/core";
import { unifiedRateLimitHeaders } from "./anthropic-rate-limit.ts";

const now = 1_800_000_000_000;
const w = (label: "5h" | "weekly", usedPercent: number, resetInS: number | null, limit = "codex"): UsageWindow => ({
  label,
  usedPercent,
  windowSeconds: label === "5h" ? 18_000 : 604_800,
  resetAt: resetInS === null ? null : now + resetInS * 1000,
  limit,
});
const at = (s: number) => String(now / 1000 + s);

test.each<[string, UsageWindow[], boolean, Record<string, string>]>([
  ["no window known: nothing sent", [], false, {}],
  [
    "both windows, the weekly one tighter",
    [w("5h", 12, 600), w("weekly", 40, 90_000)],
    false,
    {
      "anthropic-ratelimit-unified-status": "allowed",
      "anthropic-ratelimit-unified-5h-utilization": "0.12",
      "anthropic-ratelimit-unified-5h-reset": at(600),
      "anthropic-ratelimit-unified-7d-utilization": "0.4",
      "anthropic-ratelimit-unified-7d-reset": at(90_000),
      "anthropic-ratelimit-unified-representative-claim": "seven_day",
      "anthropic-ratelimit-unified-reset": at(90_000),
    },
  ],
  [
    "exhausted: rejected, the spent window represents",
    [w("5h", 100, 300), w("weekly", 70, 90_000)],
    true,
    {
      "anthropic-ratelimit-unified-status": "rejected",
      "anthropic-ratelimit-unified-5h-utilization": "1",
      "anthropic-ratelimit-unified-5h-reset": at(300),
      "anthropic-ratelimit-unified-7d-utilization": "0.7",
      "anthropic-ratelimit-unified-7d-reset": at(90_000),
      "anthropic-ratelimit-unified-representative-claim": "five_hour",
      "anthropic-ratelimit-unified-reset": at(300),
    },
  ],
  [
    "over 100 upstream is clamped; an unknown reset is left out; other limits ignored",
    [w("5h", 130, null), w("weekly", 5, 1_000, "gpt-5-codex-mini")],
    false,
    {
      "anthropic-ratelimit-unified-status": "allowed",
      "anthropic-ratelimit-unified-5h-utilization": "1",
      "anthropic-ratelimit-unified-representative-claim": "five_hour",
    },
  ],
  [
    "a window past its reset counts as empty",
    [w("5h", 90, -5)],
    false,
    {
      "anthropic-ratelimit-unified-status": "allowed",
      "anthropic-ratelimit-unified-5h-utilization": "0",
      "anthropic-ratelimit-unified-5h-reset": at(-5),
      "anthropic-ratelimit-unified-representative-claim": "five_hour",
      "anthropic-ratelimit-unified-reset": at(-5),
    },
  ],
])("%s", (_, windows, exhausted, want) => {
  expect(unifiedRateLimitHeaders({ profile: "p1", windows, exhausted }, now)).toEqual(want);
});

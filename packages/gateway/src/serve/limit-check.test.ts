import { describe, expect, test } from "bun:test";
import { DAY_MS, MINUTE_MS, checkLimits, dayStart, localAllowance, minuteStart } from "./limit-check.ts";

const now = Date.UTC(2026, 11, 7, 10, 30, 15);
const m = minuteStart(now);
const d = dayStart(now);

describe("per-key limits", () => {
  test.each([
    [
      "no limits",
      { rpm: null, tokensPerDay: null },
      { minuteStart: m, requests: 1e9, dayStart: d, tokens: 1e12 },
      null,
    ],
    ["under the rpm", { rpm: 3, tokensPerDay: null }, { minuteStart: m, requests: 2, dayStart: d, tokens: 0 }, null],
    [
      "at the rpm",
      { rpm: 3, tokensPerDay: null },
      { minuteStart: m, requests: 3, dayStart: d, tokens: 0 },
      ["rpm", m + MINUTE_MS],
    ],
    [
      "at the rpm, but a minute ago",
      { rpm: 3, tokensPerDay: null },
      { minuteStart: m - MINUTE_MS, requests: 3, dayStart: d, tokens: 0 },
      null,
    ],
    [
      "at the day's tokens",
      { rpm: null, tokensPerDay: 1000 },
      { minuteStart: m, requests: 0, dayStart: d, tokens: 1000 },
      ["tokens-per-day", d + DAY_MS],
    ],
    [
      "yesterday's tokens",
      { rpm: null, tokensPerDay: 1000 },
      { minuteStart: m, requests: 0, dayStart: d - DAY_MS, tokens: 5000 },
      null,
    ],
    [
      "both over: the minute first",
      { rpm: 1, tokensPerDay: 1 },
      { minuteStart: m, requests: 1, dayStart: d, tokens: 1 },
      ["rpm", m + MINUTE_MS],
    ],
  ] as const)("%s", (_name, limits, use, refused) => {
    const v = checkLimits(limits, use, now);
    if (refused === null) expect(v).toEqual({ ok: true });
    else expect(v.ok === false ? [v.limit, v.resetAt] : null).toEqual([...refused]);
  });

  test.each([
    [null, Number.POSITIVE_INFINITY],
    [3, 1],
    [60, 6],
    [1000, 100],
  ] as const)("local allowance for rpm %p: %p", (rpm, allowance) => {
    expect(localAllowance({ rpm })).toBe(allowance);
  });
});

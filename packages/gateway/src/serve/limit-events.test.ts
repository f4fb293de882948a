import { describe, expect, test } from "bun:test";
import type { NewEvent } from "@prodex/core";
import type { LimitVerdict, Refused } from "./limit-check.ts";
import { LimitNotices, firstOfPeriod, limitEvent } from "./limit-events.ts";

const T = Date.UTC(2026, 11, 7, 10, 15, 0);
const rpm = (resetAt: number): LimitVerdict => ({ ok: false, limit: "rpm", max: 30, used: 30, resetAt });
const tpd: LimitVerdict = {
  ok: false,
  limit: "tokens-per-day",
  max: 2_000_000,
  used: 2_000_100,
  resetAt: T + 3_600_000,
};

describe("firstOfPeriod", () => {
  const seen = new Set([`ci\0rpm\0${T}`]);
  const cases: [string, string, Refused, boolean][] = [
    ["the same key, limit and reset: already announced", "ci", rpm(T) as Refused, false],
    ["the next minute's refusal is a new period", "ci", rpm(T + 60_000) as Refused, true],
    ["another limit of the same key", "ci", tpd as Refused, true],
    ["another key", "dev", rpm(T) as Refused, true],
  ];
  for (const [name, key, v, want] of cases) test(name, () => expect(firstOfPeriod(seen, key, v)).toBe(want));
});

describe("limitEvent", () => {
  test("names the key, its limit in words and the reset; carries them as data", () => {
    expect(limitEvent("ci", rpm(T) as Refused)).toEqual({
      kind: "key.limited",
      level: "warn",
      message: "key ci reached its limit of 30 requests per minute; refused until 2026-12-07T10:15:00Z",
      data: { key: "ci", limit: "rpm", resetAt: T },
    });
  });
});

describe("LimitNotices", () => {
  test("a hundred refusals in one period are one event; admitted requests none; the next period one more", () => {
    const heard: NewEvent[] = [];
    const notices = new LimitNotices(
      (e) => heard.push(e),
      () => T,
    );
    for (let i = 0; i < 100; i++) notices.observe("ci", rpm(T));
    notices.observe("ci", { ok: true });
    notices.observe("ci", rpm(T + 60_000));
    notices.observe("ci", tpd);
    expect(heard.map((e) => e.message)).toEqual([
      "key ci reached its limit of 30 requests per minute; refused until 2026-12-07T10:15:00Z",
      "key ci reached its limit of 30 requests per minute; refused until 2026-12-07T10:16:00Z",
      "key ci reached its limit of 2000000 tokens per day; refused until 2026-12-07T11:15:00Z",
    ]);
  });
});

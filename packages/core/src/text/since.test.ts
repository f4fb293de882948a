import { describe, expect, test } from "bun:test";
import { UsageError } from "../errors.ts";
import { parseSince } from "./since.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("parseSince", () => {
  test.each([
    ["90s", NOW - 90_000],
    ["10m", NOW - 600_000],
    ["2h", NOW - 7_200_000],
    ["1.5h", NOW - 5_400_000],
    ["1d", NOW - 86_400_000],
    ["1W", NOW - 604_800_000],
    [" 5m ", NOW - 300_000],
    ["2026-02-28T09:30:00Z", Date.parse("2026-02-28T09:30:00Z")],
    ["2026-02-28", Date.parse("2026-02-28")],
  ])("%s", (input, expected) => expect(parseSince(input, NOW)).toBe(expected));

  test.each(["", "yesterday", "10", "5y", "-5m", "2026-13-45"])("%p is refused with one clear line", (input) => {
    expect(() => parseSince(input, NOW)).toThrow(UsageError);
    expect(() => parseSince(input, NOW)).toThrow(/is not a time/);
  });
});

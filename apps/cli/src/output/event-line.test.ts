import { describe, expect, test } from "bun:test";
import type { EventRow } from "@prodex/store";
import { eventLineJson, eventLineText } from "./event-line.ts";
import { eventLineSchema } from "./schemas/logs.ts";

const row: EventRow = {
  id: 7,
  at: Date.parse("2026-03-01T12:00:00Z"),
  kind: "rotation",
  level: "warn",
  profileName: "p2",
  message: "p1 hit its limit; moved to p2",
  data: { from: "p1" },
  pid: 99,
  source: "proxy:ab",
};

describe("event lines", () => {
  test("json matches prodex.event/v1", () => {
    const json = eventLineJson(row);
    expect(eventLineSchema.parse(json)).toEqual(json);
    expect(json).toMatchObject({ id: 7, at: "2026-03-01T12:00:00.000Z", profile: "p2", data: { from: "p1" } });
    expect(eventLineJson({ ...row, data: null, pid: null, source: null, profileName: null })).toMatchObject({
      data: null,
      pid: null,
      source: null,
      profile: null,
    });
  });

  test("text: today shows the time only, older lines the date", () => {
    const today = eventLineText(row, { now: row.at + 60_000, color: false });
    expect(today).toMatch(/^\d\d:\d\d:\d\d WARN {2}rotation\s+p2\s+p1 hit its limit; moved to p2$/);
    expect(eventLineText(row, { now: row.at + 3 * 86_400_000, color: false })).toMatch(
      /^2026-03-0[12] \d\d:\d\d:\d\d /,
    );
  });

  test("text: control characters from upstream text are escaped, never sent to the terminal", () => {
    const hostile = {
      ...row,
      message: "p1 → p2: rate limited (HTTP 429 \u001b]52;c;ZXZpbA==\u0007\u001b[2J)\ninjected line\u009b31m",
    };
    const line = eventLineText(hostile, { now: row.at + 60_000, color: false });
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toContain("\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}[2J)\\u{a}injected line\\u{9b}31m");
  });
});

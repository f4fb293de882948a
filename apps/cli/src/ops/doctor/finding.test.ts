import { describe, expect, test } from "bun:test";
import { doctorSchema } from "../../output/schemas/doctor.ts";
import { type Area, type Severity, doctorExitCode, doctorFailure, doctorJson, finding } from "./finding.ts";

const f = (area: Area, severity: Severity) => finding(`${area}.x`, area, severity, "m");

describe("doctorExitCode", () => {
  test.each<[string, [Area, Severity][], number]>([
    ["nothing", [], 0],
    [
      "warnings and notes only",
      [
        ["files", "warn"],
        ["auth", "info"],
        ["network", "ok"],
      ],
      0,
    ],
    ["an auth error", [["auth", "error"]], 3],
    [
      "an upstream error",
      [
        ["network", "error"],
        ["files", "warn"],
      ],
      3,
    ],
    [
      "local state wins over auth",
      [
        ["auth", "error"],
        ["database", "error"],
      ],
      4,
    ],
    ["a file error", [["files", "error"]], 4],
    ["any other error", [["agents", "error"]], 1],
  ])("%s → %d", (_, list, code) => expect(doctorExitCode(list.map(([a, s]) => f(a, s)))).toBe(code));
});

test.each<[[Area, Severity][], string | null]>([
  [[["files", "warn"]], null],
  [[["auth", "error"]], "UpstreamError: doctor found 1 problem to fix"],
  [
    [
      ["files", "error"],
      ["database", "error"],
    ],
    "LocalStateError: doctor found 2 problems to fix",
  ],
  [[["agents", "error"]], "UsageError: doctor found 1 problem to fix"],
])("doctorFailure is the typed error report() turns into the line and the exit code: %j", (list, want) => {
  const failure = doctorFailure(list.map(([a, s]) => f(a, s)));
  expect(failure ? `${failure.name}: ${failure.message}` : null).toBe(want);
  if (failure) expect(failure.hint).toBe("each is listed with its fix");
});

test("doctorJson counts by severity and matches prodex.doctor/v1", () => {
  const report = doctorJson(
    [f("files", "ok"), f("auth", "error"), f("env", "info"), f("logs", "warn"), f("agents", "ok")],
    Date.parse("2026-01-01T00:00:00Z"),
  );
  expect(doctorSchema.parse(report)).toEqual(report);
  expect(report).toMatchObject({
    ok: false,
    exitCode: 3,
    counts: { ok: 2, info: 1, warn: 1, error: 1 },
    generatedAt: "2026-01-01T00:00:00.000Z",
  });
});

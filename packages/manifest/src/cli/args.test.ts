import { describe, expect, test } from "bun:test";
import { intOption, oneOf, parse, UsageError, wantPrebuild } from "./args.ts";

describe("wantPrebuild", () => {
  const cases: [boolean | undefined, string | undefined, boolean][] = [
    [undefined, undefined, true],
    [undefined, "true", false],
    [undefined, "1", false],
    [undefined, "false", true],
    [true, "true", true],
    [false, undefined, false],
  ];
  for (const [flag, ci, want] of cases)
    test(`flag ${flag}, CI=${ci} → ${want}`, () => expect(wantPrebuild(flag, { CI: ci })).toBe(want));
});

describe("options", () => {
  test("intOption", () => {
    expect(intOption(undefined, "jobs", 4)).toBe(4);
    expect(intOption("2", "jobs", 4)).toBe(2);
    expect(() => intOption("0", "jobs", 4)).toThrow(/--jobs must be a whole number from 1 to 256, got "0"/);
    expect(() => intOption("two", "jobs", 4)).toThrow(UsageError);
  });
  test("oneOf", () => {
    expect(oneOf("env", "suite", ["core", "env"] as const, "core")).toBe("env");
    expect(() => oneOf("x", "suite", ["core", "env"] as const, "core")).toThrow(
      /--suite must be one of core, env, got "x"/,
    );
  });
  test("parse turns unknown flags into one usage line", () => {
    expect(() => parse(["--bogus"], { jobs: { type: "string" } }, "test:fast")).toThrow(
      /^test:fast: Unknown option '--bogus'/,
    );
    expect(
      parse(["--jobs", "3", "--no-prebuild"], { jobs: { type: "string" }, prebuild: { type: "boolean" } }, "x"),
    ).toEqual({ jobs: "3", prebuild: false });
  });
});

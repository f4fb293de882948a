import { describe, expect, test } from "bun:test";
import { isVersionRequest, withDefaultCommand } from "./default-command.ts";

const commands = ["run", "exec", "quota", "profile"];

describe("withDefaultCommand", () => {
  test.each([
    [[], ["run"]],
    [["--help"], ["--help"]],
    [["-V"], ["-V"]],
    [
      ["quota", "--json"],
      ["quota", "--json"],
    ],
    [
      ["--model", "o3"],
      ["run", "--model", "o3"],
    ],
    [["fix the bug"], ["run", "fix the bug"]],
  ])("%j → %j", (argv, expected) => expect(withDefaultCommand(argv, commands)).toEqual(expected));
});

describe("isVersionRequest", () => {
  test.each([
    [["--version"], true],
    [["-V"], true],
    [["--version", "--json"], true],
    [["--json", "-V"], true],
    [[], false],
    [["--json"], false],
    [["--version", "--version"], false],
    [["quota", "--version"], false],
    [["--version", "--json", "x"], false],
    [["run", "--version"], false],
  ])("%j → %p", (argv, expected) => expect(isVersionRequest(argv)).toBe(expected));
});

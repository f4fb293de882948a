import { expect, test } from "bun:test";
import { errorCode } from "./error-code.ts";

const withCode = (code: unknown) => Object.assign(new Error("x"), { code });

test.each([
  ["a system error", withCode("ENOENT"), "ENOENT"],
  ["a plain object with a code", { code: "SQLITE_BUSY_SNAPSHOT" }, "SQLITE_BUSY_SNAPSHOT"],
  ["a numeric code", withCode(7), undefined],
  ["an error without a code", new Error("x"), undefined],
  ["a string", "ENOENT", undefined],
  ["null", null, undefined],
  ["undefined", undefined, undefined],
])("errorCode: %s", (_, thrown, want) => {
  expect(errorCode(thrown)).toBe(want);
});

import { describe, expect, test } from "bun:test";
import { bunSupported } from "./bun-runtime.ts";

describe("bunSupported", () => {
  test.each([
    ["1.4.4", true],
    ["1.4.9", true],
    ["1.4.0", true],
    ["1.3.9", false],
    ["1.5.0", false],
    ["2.4.4", false],
  ])("%s → %p", (v, ok) => expect(bunSupported(v, "1.4.4")).toBe(ok));
});

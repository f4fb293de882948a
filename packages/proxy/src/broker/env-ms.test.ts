import { expect, test } from "bun:test";
import { envMs } from "./env-ms.ts";

test.each([
  [undefined, 5000],
  ["", 5000],
  ["300", 300],
  [" 0 ", 0],
  ["-1", 5000],
  ["1.5", 5000],
  ["soon", 5000],
])("envMs(%p) → %p", (value, want) => expect(envMs(value, 5000)).toBe(want));

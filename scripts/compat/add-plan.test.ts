import { expect, test } from "bun:test";
import { nextRange } from "./add-plan.ts";

const range = { oldest: "0.169.0", newest: "0.171.0" };

test.each([
  ["0.172.0", { oldest: "0.169.0", newest: "0.172.0" }],
  ["1.0.0", { oldest: "0.169.0", newest: "1.0.0" }],
  ["0.168.0", { oldest: "0.168.0", newest: "0.171.0" }],
  ["0.170.0", range],
  ["0.171.0", range],
])("nextRange(%s)", (version, want) => expect(nextRange(range, version)).toEqual(want));

import { expect, test } from "bun:test";
import { compareVersions, versionAtLeast } from "./version-order.ts";

test.each([
  ["0.169.0", "0.169.0", 0],
  ["0.171.0", "0.169.0", 1],
  ["0.99.9", "0.169.0", -1],
  ["2.1.332", "2.1.197", 1],
  ["2.1.97", "2.1.197", -1],
  ["1.0.0", "0.999.999", 1],
  ["0.170.0-alpha.1", "0.170.0", 0],
  ["v2.1.332", "2.1.332", 0],
  ["garbage", "0.169.0", null],
])("compareVersions(%s, %s) is %p", (a, b, want) => expect(compareVersions(a, b)).toBe(want as -1 | 0 | 1 | null));

test.each([
  ["0.169.0", "0.169.0", true],
  ["0.169.1", "0.169.0", true],
  ["1.0.0", "0.169.0", true],
  ["0.99.9", "0.169.0", false],
  ["0.168.9", "0.169.0", false],
  ["garbage", "0.169.0", false],
])("versionAtLeast(%s, %s) is %p", (version, least, want) => expect(versionAtLeast(version, least)).toBe(want));

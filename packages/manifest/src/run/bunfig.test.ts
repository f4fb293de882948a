import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunfigTimeout } from "./bunfig.ts";

const dirs: string[] = [];
function root(bunfig?: string): string {
  const d = mkdtempSync(join(tmpdir(), "bunfig-test-"));
  dirs.push(d);
  if (bunfig !== undefined) writeFileSync(join(d, "bunfig.toml"), bunfig);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("bunfigTimeout", () => {
  const cases: [string, string | undefined, number | undefined][] = [
    ["set", "[install]\nexact = true\n\n[test]\ntimeout = 20000\n", 20000],
    ["no [test] section", "[install]\nexact = true\n", undefined],
    ["not a number", '[test]\ntimeout = "long"\n', undefined],
    ["broken TOML", "[test\ntimeout = ", undefined],
    ["no bunfig", undefined, undefined],
  ];
  for (const [name, text, want] of cases) test(name, async () => expect(await bunfigTimeout(root(text))).toBe(want));
});

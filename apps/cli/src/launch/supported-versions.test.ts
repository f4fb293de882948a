import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  SUPPORTED,
  rangeLabel,
  rangeNote,
  readmeRangeLine,
  versionVerdict,
  warnOutsideRange,
} from "./supported-versions.ts";

const range = { name: "X", package: "@x/x", oldest: "0.169.0", newest: "0.171.0" };

describe("versionVerdict", () => {
  test.each([
    ["0.169.0", "inside"],
    ["0.170.5", "inside"],
    ["0.171.0", "inside"],
    ["0.171.0-alpha.2", "inside"],
    ["0.168.9", "older"],
    ["0.172.0", "newer"],
    ["1.0.0", "newer"],
    ["nightly", "unknown"],
  ])("%s is %s", (version, want) =>
    expect(versionVerdict(version, range)).toBe(want as ReturnType<typeof versionVerdict>),
  );
});

describe("the declared ranges", () => {
  test("each range runs oldest → newest", () => {
    for (const r of Object.values(SUPPORTED)) expect(versionVerdict(r.newest, r)).toBe("inside");
    for (const r of Object.values(SUPPORTED)) expect(versionVerdict(r.oldest, r)).toBe("inside");
  });

  test("the README shows the same ranges", async () => {
    const readme = await Bun.file(join(import.meta.dir, "../../../../README.md")).text();
    expect(readme.split("\n")).toContain(readmeRangeLine());
    expect(readmeRangeLine()).toBe(
      `Supported clients: Codex CLI ${rangeLabel(SUPPORTED.codex)}, Claude Code ${rangeLabel(SUPPORTED.claude)}.`,
    );
  });

  test("the pins in apps/cli/package.json are the newest ends", async () => {
    const pkg = (await Bun.file(join(import.meta.dir, "../../package.json")).json()) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies[SUPPORTED.codex.package]).toBe(SUPPORTED.codex.newest);
    expect(pkg.dependencies[SUPPORTED.claude.package]).toBe(SUPPORTED.claude.newest);
  });
});

describe("rangeNote and warnOutsideRange", () => {
  const { codex } = SUPPORTED;
  test("inside: nothing to fix, nothing warned", () => {
    expect(rangeNote("codex", codex.oldest).fix).toBeNull();
    const warned: string[] = [];
    warnOutsideRange({ warn: (t) => warned.push(t) }, "codex", codex.newest);
    warnOutsideRange({ warn: (t) => warned.push(t) }, "codex", null);
    expect(warned).toEqual([]);
  });

  test("newer: one line naming the range and why one would go back", () => {
    const warned: string[] = [];
    warnOutsideRange({ warn: (t) => warned.push(t) }, "codex", "0.999.0");
    expect(warned).toEqual([
      `Codex CLI 0.999.0 is newer than prodex has tested (${rangeLabel(codex)}); it most likely works — if something misbehaves, report it to prodex and meanwhile point PRODEX_CODEX_BIN at @openai/codex@${codex.newest}, the newest tested`,
    ]);
  });

  test("older: told to update", () => {
    expect(rangeNote("claude", "1.0.0")).toMatchObject({ verdict: "older", fix: expect.stringContaining("update it") });
  });
});

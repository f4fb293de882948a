import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanVersion, versionFromInstall } from "./package-version.ts";

const root = mkdtempSync(join(tmpdir(), "prodex-pkgver-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function install(rel: string, pkg: Record<string, string> | null): string {
  const file = join(root, rel);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, "#!/bin/sh\n");
  if (pkg) {
    let dir = join(file, "..");
    for (let i = 0; i < (pkg.depth === undefined ? 0 : Number(pkg.depth)); i++) dir = join(dir, "..");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version }));
  }
  return file;
}

describe("cleanVersion", () => {
  test.each([
    ["0.169.0-linux-x64", "0.169.0"],
    ["0.169.0-darwin-arm64", "0.169.0"],
    ["0.169.0-linux-x64-musl", "0.169.0"],
    ["0.170.0-alpha.1", "0.170.0-alpha.1"],
    ["2.1.197", "2.1.197"],
  ])("%s → %s", (input, expected) => expect(cleanVersion(input)).toBe(expected));
});

describe("versionFromInstall", () => {
  test("codex's native binary four levels under its platform package", () => {
    const bin = install("a/@openai/codex/vendor/x86_64-unknown-linux-musl/bin/codex", {
      name: "@openai/codex",
      version: "0.169.0-linux-x64",
      depth: "3",
    });
    expect(versionFromInstall(bin)).toBe("0.169.0");
  });

  test("claude's platform package", () => {
    const bin = install("b/claude-code-linux-x64/claude", {
      name: "@anthropic-ai/claude-code-linux-x64",
      version: "2.1.197",
    });
    expect(versionFromInstall(bin)).toBe("2.1.197");
  });

  test("a PATH symlink is followed to the package", () => {
    const bin = install("c/pkg/bin/codex.js", { name: "@openai/codex", version: "0.169.0", depth: "1" });
    const link = join(root, "c", "codex");
    symlinkSync(bin, link);
    expect(versionFromInstall(link)).toBe("0.169.0");
  });

  test("a native install named by its version", () => {
    expect(versionFromInstall(install("d/claude/versions/2.1.200", null))).toBe("2.1.200");
  });

  test("the nearest package.json belongs to something else: unknown", () => {
    expect(
      versionFromInstall(install("e/other/bin/codex", { name: "my-wrapper", version: "9.9.9", depth: "1" })),
    ).toBeNull();
  });

  test("no package at all, or no file: unknown", () => {
    expect(versionFromInstall(install("f/usr/bin/codex", null))).toBeNull();
    expect(versionFromInstall(join(root, "missing"))).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { brokenLinks, lintDocs, stripCode, unknownCommands } from "./docs-lint.ts";

let root = "";
function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "docs-lint-test-"));
  write("package.json", JSON.stringify({ scripts: { test: "x", "docs:lint": "y" } }));
  write("docs/guide.md", "# Guide\n\nSee [arch](architecture.md).\n");
  write("docs/architecture.md", "# Architecture\n");
  write("src/x.ts", "");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("brokenLinks", () => {
  const cases: { text: string; want: string[] }[] = [
    { text: "[a](architecture.md) [b](./architecture.md#top) [c](../src/x.ts)", want: [] },
    { text: "[a](missing.md)", want: ["link missing.md points to a missing file (docs/missing.md)"] },
    { text: "[a](https://example.com) [b](#local) [c](mailto:a@b.c)", want: [] },
    { text: "`[a](missing.md)`\n\n```\n[b](missing.md)\n```", want: [] },
    { text: "[ref]: gone.md", want: ["link gone.md points to a missing file (docs/gone.md)"] },
    { text: "[a](../../outside.md)", want: ["link ../../outside.md points outside the repo"] },
    { text: "![img](/docs/architecture.md)", want: [] },
  ];
  for (const c of cases)
    test(c.text.replace(/\n/g, " ⏎ "), () =>
      expect(brokenLinks("docs/guide.md", c.text, root).map((p) => p.message)).toEqual(c.want),
    );
});

describe("unknownCommands", () => {
  const scripts = new Set(["test", "test:fast"]);
  test("names must be scripts; file runs are fine", () => {
    const text = "run `bun run test:fast`\n\n    bun run test:slow\nbun run scripts/x.ts and bun run file.ts";
    expect(unknownCommands("a.md", text, scripts).map((p) => [p.line, p.message])).toEqual([
      [3, "`bun run test:slow` is not a script in package.json"],
    ]);
  });
});

describe("stripCode", () => {
  test("keeps line numbers", () => {
    const s = "a\n```ts\nb\n```\n`c` d";
    expect(stripCode(s).split("\n").length).toBe(s.split("\n").length);
    expect(stripCode(s)).not.toContain("b");
  });
});

describe("lintDocs", () => {
  test("clean docs pass", async () => {
    expect((await lintDocs(root)).problems).toEqual([]);
  });
  test("markdownlint findings, links and commands in one report", async () => {
    write("docs/bad.md", "# Bad\n## No blank line\n\n[x](nope.md) `bun run nope`\n");
    const r = await lintDocs(root, ["docs/bad.md"]);
    expect(r.problems.map((p) => `${p.line} ${p.message.split(" ")[0]}`)).toEqual([
      "1 MD022/blanks-around-headings",
      "2 MD022/blanks-around-headings",
      "4 link",
      "4 `bun",
    ]);
  });
});

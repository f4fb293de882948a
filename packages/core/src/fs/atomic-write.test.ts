import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { writeFileAtomic } from "./atomic-write.ts";

const temp = useTempDirs("prodex-atomic-");

describe("writeFileAtomic", () => {
  const cases: { name: string; content: string | Uint8Array; mode?: number; want: string; wantMode: number }[] = [
    { name: "string, default mode 0600", content: "hello", want: "hello", wantMode: 0o600 },
    { name: "bytes", content: new TextEncoder().encode("bytes"), want: "bytes", wantMode: 0o600 },
    { name: "explicit mode", content: "x", mode: 0o640, want: "x", wantMode: 0o640 },
    { name: "empty content", content: "", want: "", wantMode: 0o600 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const dir = temp();
      const path = join(dir, "f.json");
      writeFileAtomic(path, c.content, c.mode);
      expect(readFileSync(path, "utf8")).toBe(c.want);
      expect(statSync(path).mode & 0o777).toBe(c.wantMode);
      expect(readdirSync(dir)).toEqual(["f.json"]);
    });
  }

  test("replaces an existing file whole, with the new mode", () => {
    const dir = temp();
    const path = join(dir, "auth.json");
    writeFileSync(path, "old content that is longer than the new one", { mode: 0o644 });
    writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  test("a failed rename leaves the target and no temp file behind", () => {
    const dir = temp();
    const target = join(dir, "target");
    mkdirSync(target); // renaming a file over a directory fails
    writeFileSync(join(target, "inside"), "keep");
    expect(() => writeFileAtomic(target, "x")).toThrow();
    expect(readdirSync(dir)).toEqual(["target"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("keep");
  });

  test("a missing directory throws and creates nothing", () => {
    const dir = temp();
    expect(() => writeFileAtomic(join(dir, "missing", "f"), "x")).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  test("many writes in a row leave exactly one file with the last content", () => {
    const dir = temp();
    const path = join(dir, "f");
    for (let i = 0; i < 50; i++) writeFileAtomic(path, `v${i}`);
    expect(readFileSync(path, "utf8")).toBe("v49");
    expect(readdirSync(dir)).toEqual(["f"]);
  });
});

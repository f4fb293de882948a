import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError } from "@prodex/core";
import { lastLines, latestRuntimeLog, readAppended } from "./runtime-tail.ts";

const dir = mkdtempSync(join(tmpdir(), "prodex-tail-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("latestRuntimeLog", () => {
  test("follows the pointer", () => {
    const log = join(dir, "prodex-runtime-1.log");
    writeFileSync(log, "");
    writeFileSync(join(dir, "p1.path"), `${log}\n`);
    expect(latestRuntimeLog(join(dir, "p1.path"))).toBe(log);
  });
  test.each([
    ["no pointer", "missing.path", null],
    ["pointer to a deleted file", "p2.path", join(dir, "gone.log")],
  ])("%s: NotFoundError", (_, name, target) => {
    if (target) writeFileSync(join(dir, name), target);
    expect(() => latestRuntimeLog(join(dir, name))).toThrow(NotFoundError);
  });
});

test("lastLines", () => {
  const f = join(dir, "l.log");
  writeFileSync(f, "a\nb\nc\npartial");
  expect(lastLines(f, 2)).toEqual({ lines: ["b", "c"], offset: 6 });
  expect(lastLines(f, 10).lines).toEqual(["a", "b", "c"]);
  expect(lastLines(f, 0)).toEqual({ lines: [], offset: 6 });
  writeFileSync(f, "");
  expect(lastLines(f, 3)).toEqual({ lines: [], offset: 0 });
});

test("readAppended returns whole lines only, and restarts after truncation", () => {
  const f = join(dir, "t.log");
  writeFileSync(f, "one\ntw");
  let r = readAppended(f, 0);
  expect(r.lines).toEqual(["one"]);
  appendFileSync(f, "o\nthree\n");
  r = readAppended(f, r.offset);
  expect(r.lines).toEqual(["two", "three"]);
  expect(readAppended(f, r.offset).lines).toEqual([]);
  writeFileSync(f, "new\n");
  expect(readAppended(f, r.offset).lines).toEqual(["new"]);
});

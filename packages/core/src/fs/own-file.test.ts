import { expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { notOwnFile } from "./own-file.ts";

const temp = useTempDirs("prodex-own-");
const me = process.getuid?.() ?? 0;

test.each([
  ["our own file", (d: string) => (writeFileSync(join(d, "f"), "x"), join(d, "f")), me, null],
  [
    "a file of another user",
    (d: string) => (writeFileSync(join(d, "f"), "x"), join(d, "f")),
    me + 1,
    "it belongs to another user",
  ],
  [
    "a symlink to our own file",
    (d: string) => (writeFileSync(join(d, "f"), "x"), symlinkSync(join(d, "f"), join(d, "l")), join(d, "l")),
    me,
    "it is a symbolic link",
  ],
  ["a folder", (d: string) => (mkdirSync(join(d, "f")), join(d, "f")), me, "it is not a regular file"],
  ["nothing", (d: string) => join(d, "missing"), me, "it does not exist"],
] as const)("notOwnFile: %s", (_what, make, uid, want) => {
  const why = notOwnFile(make(temp()), uid);
  if (want === null) expect(why).toBeNull();
  else expect(why).toStartWith(want);
});

import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { balancingTimings, loadTimings, saveTimings, seedTimingsPath, timingsPath } from "./timings.ts";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function root(): string {
  const dir = mkdtempSync(join(tmpdir(), "manifest-timings-"));
  made.push(dir);
  return dir;
}
function write(path: string, files: Record<string, number>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ version: 1, files }));
}

describe("balancing timings", () => {
  test("a fresh clone balances by the committed seed", async () => {
    const r = root();
    write(seedTimingsPath(r), { "a.test.ts": 100, "b.test.ts": 9000 });
    expect(await balancingTimings(r)).toEqual(
      new Map([
        ["a.test.ts", 100],
        ["b.test.ts", 9000],
      ]),
    );
  });

  test("this checkout's own recordings win over the seed; the seed fills the gaps", async () => {
    const r = root();
    write(seedTimingsPath(r), { "a.test.ts": 100, "b.test.ts": 9000 });
    write(timingsPath(r), { "b.test.ts": 4000, "c.test.ts": 50 });
    expect(await balancingTimings(r)).toEqual(
      new Map([
        ["a.test.ts", 100],
        ["b.test.ts", 4000],
        ["c.test.ts", 50],
      ]),
    );
  });

  test("neither file, or a broken one: no timings (sizes decide)", async () => {
    const r = root();
    expect((await balancingTimings(r)).size).toBe(0);
    mkdirSync(dirname(timingsPath(r)), { recursive: true });
    writeFileSync(timingsPath(r), "{not json");
    expect((await loadTimings(timingsPath(r))).size).toBe(0);
  });

  test("saving merges over what was recorded and drops files that no longer exist", async () => {
    const r = root();
    write(timingsPath(r), { "gone.test.ts": 10, "kept.test.ts": 20 });
    await saveTimings(timingsPath(r), new Map([["new.test.ts", 30.4]]), new Set(["kept.test.ts", "new.test.ts"]));
    expect(await loadTimings(timingsPath(r))).toEqual(
      new Map([
        ["kept.test.ts", 20],
        ["new.test.ts", 30],
      ]),
    );
  });
});

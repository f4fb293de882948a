import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, useFixtureTrees } from "./helpers.ts";

const copy = useFixtureTrees();
const tree = () => copy("lanes");

const minute = 60_000;
const imp = `import { expect, test } from "bun:test";\nimport { join } from "node:path";\n`;

describe("failures are reported and fail the run", () => {
  test(
    "a failing parallel test fails bun run test and is named",
    async () => {
      const dir = tree();
      writeFileSync(
        join(dir, "packages/b/src/broken.test.ts"),
        `${imp}test("adds wrong", () => expect(1 + 1).toBe(3));\n`,
      );
      const r = await cli(["all", "--jobs=2", "--no-prebuild"], dir);
      expect(r.code).toBe(1);
      expect(r.out).toContain("FAIL packages/b/src/broken.test.ts > adds wrong");
      expect(r.out).toMatch(/\[fast\] FAILED/);
      expect(r.out.trim().split("\n").at(-1)).toBe("total: 12 passed, 1 failed, 0 skipped");
    },
    2 * minute,
  );

  test(
    "a file that fails to load counts as a failure even though JUnit omits it",
    async () => {
      const dir = tree();
      writeFileSync(
        join(dir, "packages/b/src/unloadable.test.ts"),
        `import "./does-not-exist.ts";\nimport { test } from "bun:test";\ntest("never runs", () => {});\n`,
      );
      const r = await cli(["fast", "--jobs=1", "--no-prebuild"], dir);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/fast: 7 passed, [1-9]\d* failed, 0 skipped/);
    },
    2 * minute,
  );

  test(
    "a failing runtime shard leaves metadata, diagnostics and the runtime log tail",
    async () => {
      const dir = tree();
      writeFileSync(
        join(dir, "packages/proxy/test/runtime/broken.test.ts"),
        `${imp}test("relay drops an event", async () => {\n  await Bun.write(join(process.env.PRODEX_RUNTIME_LOG_DIR ?? "", "runtime.log"), "upstream closed early\\n");\n  expect("partial").toBe("complete");\n});\n`,
      );
      const diag = join(dir, "diag");
      const r = await cli(["runtime-shard", "--filter", "packages/proxy/test/runtime/", "--artifact-dir", diag], dir);
      expect(r.code).toBe(1);
      expect(r.out).toContain("runtime shard runtime-main: packages/proxy/test/runtime/ — 2 files");
      expect(r.out).toContain(`diagnostics: ${diag}`);
      const meta = await Bun.file(join(diag, "metadata.json")).json();
      expect(meta).toMatchObject({
        unit: "runtime-main",
        lane: "runtime-main",
        timedOut: false,
        counts: { failed: 1 },
      });
      expect(meta.runtimeLogs.map((l: { file: string }) => l.file).sort()).toEqual(["proxy.log", "runtime.log"]);
      expect(await Bun.file(join(diag, "diagnostics.txt")).text()).toContain(
        "FAIL packages/proxy/test/runtime/broken.test.ts > relay drops an event",
      );
      expect(await Bun.file(join(diag, "runtime-log", "runtime.log.tail")).text()).toBe("upstream closed early\n");
      expect(readdirSync(diag).filter((f) => f.startsWith("junit-")).length).toBeGreaterThan(0);
    },
    2 * minute,
  );

  test(
    "a runtime shard that runs zero tests fails",
    async () => {
      const r = await cli(["runtime-shard", "--filter", "packages/proxy/test/runtime/nothing-here-"], tree());
      expect(r.code).toBe(1);
      expect(r.out).toContain("no blocking lane ran any test");
      expect(r.out.trim().split("\n").at(-1)).toBe("total: 0 passed, 0 failed, 0 skipped");
    },
    2 * minute,
  );

  test(
    "a runtime shard that times out is stopped and leaves diagnostics",
    async () => {
      const dir = tree();
      writeFileSync(
        join(dir, "packages/proxy/test/runtime/slow.test.ts"),
        `${imp}test("waits forever", async () => { await Bun.sleep(30_000); }, 60_000);\n`,
      );
      const diag = join(dir, "diag");
      const started = Date.now();
      const r = await cli(
        [
          "runtime-shard",
          "--filter",
          "packages/proxy/test/runtime/",
          "--timeout-minutes",
          "0.05",
          "--artifact-dir",
          diag,
        ],
        dir,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/timed out after \ds/);
      expect((await Bun.file(join(diag, "metadata.json")).json()).timedOut).toBe(true);
      expect(existsSync(join(diag, "diagnostics.txt"))).toBe(true);
    },
    2 * minute,
  );

  test(
    "usage mistakes are one line and exit 2",
    async () => {
      const dir = tree();
      const r = await cli(["fast", "--jobs", "zero"], dir);
      expect([r.code, r.out.trim()]).toEqual([2, '--jobs must be a whole number from 1 to 256, got "zero"']);
      const s = await cli(["serial", "--suite", "nightly"], dir);
      expect([s.code, s.out.trim()]).toEqual([
        2,
        '--suite must be one of core, runtime, stress, env, quarantine, all, got "nightly"',
      ]);
      const m = await cli(["runtime-shard"], dir);
      expect([m.code, m.out.trim()]).toEqual([
        2,
        "test:runtime-shard: give --filter <path prefix> (or --label of a manifest shard)",
      ]);
    },
    2 * minute,
  );
});

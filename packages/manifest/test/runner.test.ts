import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cli, useFixtureTrees } from "./helpers.ts";

const copy = useFixtureTrees();
const tree = () => copy("lanes");

const minute = 60_000;

describe("bun run test on the lanes fixture", () => {
  test(
    "guard, fast shards, runtime shard, serial suites and a non-blocking quarantine",
    async () => {
      const dir = tree();
      const r = await cli(["all", "--jobs=2", "--no-prebuild", "--stress-runs=2"], dir);
      expect(r.out).toContain("runtime manifest: ok");
      // iso (2) + b (4) + env.test.ts without its serial case (1)
      expect(r.out).toContain("fast: 7 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("runtime-main: 1 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("serial-core: 1 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("serial-runtime: 1 passed, 0 failed, 0 skipped");
      // --stress-runs 2: the stress case runs twice (--rerun-each), as CI does.
      expect(r.out).toContain("serial-stress: 2 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("serial-env: 1 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("quarantine: 0 passed, 1 failed, 0 skipped");
      expect(r.out).toMatch(/\[quarantine\] FAILED .* non-blocking, reported only/);
      // The quarantined case still ran, failed, was reported with its reason, and did not fail the run.
      expect(r.out).toContain("✗ quarantine/flaky flaky always fails — 0 pass, 1 fail");
      expect(r.out).toContain("quarantined: fails on purpose: quarantine must stay visible but non-blocking");
      expect(r.out.trim().split("\n").at(-1)).toBe("total: 13 passed, 0 failed, 0 skipped");
      expect(r.code).toBe(0);
      for (const lane of ["fast", "runtime-main", "serial-core", "serial-stress", "serial-env", "quarantine"])
        expect(existsSync(join(dir, ".artifacts/junit", `${lane}.xml`))).toBe(true);
      const timings = await Bun.file(join(dir, ".artifacts/timings.json")).json();
      expect(Object.keys(timings.files).sort()).toEqual([
        "packages/a/src/iso.test.ts",
        "packages/b/src/b.test.ts",
        "packages/c/test/env.test.ts",
        "packages/proxy/test/runtime/rt.test.ts",
      ]);
      const merged = await Bun.file(join(dir, ".artifacts/junit/fast.xml")).text();
      expect(merged).toMatch(/<testsuites name="fast" tests="7" failures="0" skipped="0"/);
    },
    2 * minute,
  );

  test(
    "--runtime-shards limits the shards to what CI lists",
    async () => {
      const r = await cli(["all", "--jobs=2", "--no-prebuild", "--runtime-shards", ""], tree());
      expect(r.out).not.toContain("runtime-main:");
      const bad = await cli(["all", "--no-prebuild", "--runtime-shards", "nope"], tree());
      expect([bad.code, bad.out.trim().split("\n").at(-1)]).toEqual([
        2,
        "--runtime-shards: nope not in the manifest (known: runtime-main)",
      ]);
    },
    2 * minute,
  );

  test(
    "test:serial --suite all runs every file and case one process at a time",
    async () => {
      const r = await cli(["serial", "--suite", "all"], tree());
      expect(r.out).toContain("serial-all: 8 passed, 0 failed, 0 skipped");
      expect(r.out).toContain("▶ serial-all: 4 processes, one at a time");
      expect(r.out).toContain("quarantine: 0 passed, 1 failed, 0 skipped");
      expect(r.code).toBe(0);
    },
    2 * minute,
  );

  test(
    "test:stress repeats the tagged cases with --rerun-each; a sub-suite that selects nothing fails with a clear line",
    async () => {
      const dir = tree();
      const r = await cli(["stress", "--suite", "stress", "--runs", "3"], dir);
      expect(r.out).toContain("stress-stress: 3 passed, 0 failed, 0 skipped");
      expect(r.code).toBe(0);
      const one = await cli(["stress", "--suite", "stress", "--case", "burst", "--runs", "2"], dir);
      expect(one.out).toContain("stress-stress: 2 passed, 0 failed, 0 skipped");
      const unknown = await cli(["stress", "--suite", "stress", "--case", "nope"], dir);
      expect([unknown.code, unknown.out.trim().split("\n").at(-1)]).toEqual([
        2,
        "--case: no case nope in the stress suite (known: burst)",
      ]);
      const empty = await cli(["stress", "--suite", "continuation"], dir);
      expect(empty.out).toContain("[stress-continuation] FAILED: selects no tests");
      expect(empty.out).not.toContain("[stress-continuation] ok");
      expect(empty.code).toBe(1);
    },
    2 * minute,
  );

  test(
    "test:env-parallel runs the env:parallel cases as several isolated processes",
    async () => {
      const r = await cli(["env-parallel", "--runs", "3", "--jobs", "2"], tree());
      expect(r.out).toContain("▶ env-parallel: 3 processes, 2 at a time");
      expect(r.out).toContain("env-parallel: 3 passed, 0 failed, 0 skipped");
      expect(r.code).toBe(0);
    },
    2 * minute,
  );
});

import { describe, expect, test } from "bun:test";
import { scanSource } from "../scan/scan-tests.ts";
import { parseManifest, type ManifestInput } from "../schema.ts";
import { claimsOf, planFiles } from "./claims.ts";
import {
  envParallelLane,
  everythingSerial,
  fastLane,
  serialLane,
  shardLane,
  stressLane,
  type PlanInput,
} from "./lanes.ts";

const rt = "packages/proxy/test/runtime";
const imp = `import { test } from "bun:test";\n`;
const files = [
  scanSource("packages/a/src/a.test.ts", `${imp}test("a1", () => {}); test("a2", () => {});`),
  scanSource("packages/b/src/b.test.ts", `${imp}test("b1", () => {});`),
  scanSource("packages/c/test/c.test.ts", `${imp}test("c1", () => {}); test("sets env", () => {});`),
  scanSource("packages/d/src/d.test.ts", `${imp}test("d1", () => {});`),
  scanSource(
    `${rt}/rot.test.ts`,
    `${imp}test("moves", () => {}); test("flaky", () => {}); test("burst", () => {}); test("env x", () => {});`,
  ),
  scanSource(`${rt}/whole.test.ts`, `${imp}test("w", () => {});`),
];
const weights = new Map(files.map((f, i) => [f.file, (i + 1) * 10]));

const m: ManifestInput = {
  shards: [{ label: "runtime-proxy", filter: `${rt}/` }],
  cases: [
    {
      id: "env",
      label: "sets env",
      file: "packages/c/test/c.test.ts",
      name: "sets env",
      tags: ["core:serial"],
      reason: "writes process.env",
    },
    {
      id: "flaky",
      label: "flaky",
      file: `${rt}/rot.test.ts`,
      name: "flaky",
      tags: ["runtime:quarantine"],
      reason: "times out under load",
    },
    {
      id: "burst",
      label: "burst",
      file: `${rt}/rot.test.ts`,
      filter: "^burst$",
      tags: ["runtime:stress", "continuation"],
      reason: "shares a broker",
    },
    {
      id: "envx",
      label: "env x",
      file: `${rt}/rot.test.ts`,
      name: "env x",
      tags: ["runtime:env", "env:parallel"],
      reason: "reads CODEX_HOME",
    },
    { id: "whole", label: "whole", file: `${rt}/whole.test.ts`, tags: ["runtime:serial"], reason: "fixed port" },
  ],
};

function input(): PlanInput {
  const manifest = parseManifest(m, "test");
  const claims = claimsOf(manifest, files);
  return { manifest, claims, plans: planFiles(manifest, files, claims), weights };
}

describe("lanes", () => {
  test("fast: unit/integration files balanced into N processes; a file with a serial case runs alone without it", () => {
    const lane = fastLane(input(), 2);
    expect(lane.mode).toBe("pool");
    const plain = lane.units.filter((u) => u.id.startsWith("fast-") && !u.id.startsWith("fast-x"));
    expect(plain.length).toBe(2);
    expect(plain.flatMap((u) => u.jobs.flatMap((j) => j.files)).sort()).toEqual([
      "packages/a/src/a.test.ts",
      "packages/b/src/b.test.ts",
      "packages/d/src/d.test.ts",
    ]);
    const x = lane.units.find((u) => u.id === "fast-x1");
    expect(x?.jobs[0]?.files).toEqual(["packages/c/test/c.test.ts"]);
    const re = new RegExp(x?.jobs[0]?.pattern ?? "");
    expect(["c1", "sets env"].filter((n) => re.test(n))).toEqual(["c1"]);
    expect(lane.units.flatMap((u) => u.jobs.flatMap((j) => j.files))).not.toContain(`${rt}/rot.test.ts`);
  });

  test("runtime shard: its files minus serial/stress/env/quarantine cases; whole-file cases leave it", () => {
    const manifest = parseManifest(m, "test");
    const shard = manifest.shards[0];
    if (!shard) throw new Error("no shard");
    const lane = shardLane(input(), shard);
    expect(lane.units.length).toBe(1);
    const jobs = lane.units[0]?.jobs ?? [];
    expect(jobs.flatMap((j) => j.files)).toEqual([`${rt}/rot.test.ts`]);
    const re = new RegExp(jobs[0]?.pattern ?? "");
    expect(["moves", "flaky", "burst", "env x"].filter((n) => re.test(n))).toEqual(["moves"]);
    expect(lane.units[0]?.timeoutMs).toBe(10 * 60_000);
  });

  test("serial suites: one process per case, with -t for the case", () => {
    const i = input();
    expect(serialLane(i, "core").units.map((u) => [u.id, u.jobs[0]?.pattern])).toEqual([["env", "^sets env$"]]);
    expect(serialLane(i, "runtime").units.map((u) => [u.id, u.jobs[0]?.pattern])).toEqual([["whole", undefined]]);
    expect(serialLane(i, "stress").units.map((u) => u.id)).toEqual(["burst"]);
    expect(serialLane(i, "env").units.map((u) => u.id)).toEqual(["envx"]);
    expect(serialLane(i, "core").blocking).toBe(true);
  });

  test("quarantine is its own non-blocking lane", () => {
    const q = serialLane(input(), "quarantine");
    expect([q.name, q.blocking, q.units.map((u) => u.id)]).toEqual(["quarantine", false, ["flaky"]]);
  });

  test("stress sub-suites repeat with --rerun-each", () => {
    const s = stressLane(input(), "continuation", 7);
    expect(s.units.map((u) => [u.id, u.jobs[0]?.rerunEach])).toEqual([["burst", 7]]);
    expect(stressLane(input(), "serialized", 3).units).toEqual([]);
  });

  test("env:parallel cases: runs × cases processes in a pool", () => {
    const e = envParallelLane(input(), 3);
    expect([e.mode, e.units.map((u) => u.id)]).toEqual(["pool", ["envx-run1", "envx-run2", "envx-run3"]]);
  });

  test("the full serial pass covers every file and every case", () => {
    const lanes = everythingSerial(input());
    const all = lanes[0];
    expect(all?.units.map((u) => u.label)).toEqual(
      files.filter((f) => !f.file.endsWith("whole.test.ts")).map((f) => f.file),
    );
    expect(lanes.map((l) => l.name)).toEqual([
      "serial-all",
      "serial-core",
      "serial-runtime",
      "serial-stress",
      "serial-env",
      "quarantine",
    ]);
  });

  test("an ad-hoc runtime shard takes every runtime file under its prefix", () => {
    const lane = shardLane(
      input(),
      { label: "only-rot", filter: `${rt}/rot`, timeoutMinutes: 1 },
      { adhoc: true, timeoutMinutes: 2 },
    );
    expect(lane.units[0]?.jobs.flatMap((j) => j.files)).toEqual([`${rt}/rot.test.ts`]);
    expect(lane.units[0]?.timeoutMs).toBe(2 * 60_000);
  });
});

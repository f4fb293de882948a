import { fileKind, type FileKind } from "../layout.ts";
import { select, type Selection } from "../match.ts";
import type { ScannedFile, ScannedTest } from "../scan/scan-tests.ts";
import { laneTag, type Case, type LaneTag, type Manifest, type Shard } from "../schema.ts";

/** A manifest case with its lane and what it selects. */
export type Claim = { case: Case; lane: LaneTag; sel: Selection };

/** How one test file is split between the parallel lanes and the serial cases that take parts of it. */
export type FilePlan = {
  file: string;
  kind: FileKind;
  scanned: ScannedFile;
  /** A non-parallel case that takes the whole file. */
  whole?: Claim;
  /** Exact names and filters of non-parallel cases, left out of the parallel run of this file. */
  excludeNames: string[];
  excludeFilters: string[];
  /** The runtime shard whose filter covers the file. */
  shard?: Shard;
};

export function isParallel(c: Claim): boolean {
  return c.lane === "runtime:parallel-safe";
}

export function claimsOf(manifest: Manifest, files: readonly ScannedFile[]): Claim[] {
  return manifest.cases.map((c) => ({ case: c, lane: laneTag(c), sel: select(c, files) }));
}

export function shardFor(manifest: Manifest, file: string): Shard | undefined {
  // A shard filter is a path prefix: a folder (`…/runtime/`) or a file-name prefix (`…/runtime/rotation-`).
  return manifest.shards.find((s) => file.startsWith(s.filter));
}

export function planFiles(manifest: Manifest, files: readonly ScannedFile[], claims: readonly Claim[]): FilePlan[] {
  return files.map((scanned) => {
    const plan: FilePlan = {
      file: scanned.file,
      kind: fileKind(scanned.file, manifest.runtimeDir),
      scanned,
      excludeNames: [],
      excludeFilters: [],
      shard: shardFor(manifest, scanned.file),
    };
    for (const cl of claims) {
      if (isParallel(cl) || !cl.sel.files.includes(scanned.file)) continue;
      const c = cl.case;
      if (c.name !== undefined) plan.excludeNames.push(c.name);
      else if (c.filter !== undefined) plan.excludeFilters.push(c.filter);
      else plan.whole ??= cl;
    }
    return plan;
  });
}

/** Is this test left for a parallel lane (not taken by a serial, stress, env or quarantine case)? */
export function runsInParallel(plan: FilePlan, t: ScannedTest): boolean {
  if (plan.whole) return false;
  if (t.pattern !== undefined) {
    // A computed name cannot be excluded by name; only a filter might take it at run time.
    return true;
  }
  if (plan.excludeNames.includes(t.name)) return false;
  return !plan.excludeFilters.some((f) => new RegExp(f).test(t.name));
}

/** Does anything of the file run in a parallel lane? */
export function hasParallelPart(plan: FilePlan): boolean {
  if (plan.whole) return false;
  const tests = plan.scanned.tests;
  return tests.length === 0 || tests.some((t) => runsInParallel(plan, t));
}

import { testKey } from "../match.ts";
import { claimsOf, planFiles, runsInParallel, type Claim, type FilePlan } from "../plan/claims.ts";
import type { Signal } from "../scan/runtime-signals.ts";
import type { ScannedFile, ScannedTest } from "../scan/scan-tests.ts";
import type { Manifest } from "../schema.ts";
import { reservedLanes } from "../plan/lanes.ts";

/** One guard finding: a stable code and a line that names the case, test or file. */
export type Problem = { code: string; message: string };

export type GuardInput = {
  manifest: Manifest;
  files: readonly ScannedFile[];
  /** Shard labels `.ci/run` runs, or undefined when it declares none. */
  ciShards: readonly string[] | undefined;
  ciPath: string;
};

const where = (t: ScannedTest): string => `${t.file}:${t.line}`;

export function checkManifest(input: GuardInput): Problem[] {
  const { manifest, files } = input;
  const claims = claimsOf(manifest, files);
  const plans = planFiles(manifest, files, claims);
  return [
    ...duplicates(manifest),
    ...claims.flatMap(caseProblems),
    ...overlaps(claims),
    ...parseProblems(plans),
    ...coverage(plans, claims),
    ...runtimeNameRepeats(plans),
    ...shardProblems(input),
    ...envMutations(plans),
  ];
}

function repeated(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const v of values) (seen.has(v) ? out : seen).add(v);
  return [...out];
}

function duplicates(m: Manifest): Problem[] {
  const out: Problem[] = [];
  for (const id of repeated(m.cases.map((c) => c.id)))
    out.push({ code: "duplicate-id", message: `case id "${id}" is used more than once` });
  for (const l of repeated(m.cases.map((c) => c.label)))
    out.push({ code: "duplicate-label", message: `case label "${l}" is used more than once` });
  const selectors = m.cases.map((c) => `${c.file ?? "*"} ${selectorText(c)}`);
  for (const s of repeated(selectors))
    out.push({ code: "duplicate-name", message: `two cases select the same tests: ${s}` });
  for (const l of repeated(m.shards.map((s) => s.label)))
    out.push({ code: "duplicate-shard", message: `shard label "${l}" is used more than once` });
  for (const f of repeated(m.shards.map((s) => s.filter)))
    out.push({ code: "duplicate-shard", message: `shard filter "${f}" is used more than once` });
  return out;
}

function caseProblems(cl: Claim): Problem[] {
  const c = cl.case;
  const { exact, maybe, missingFile } = cl.sel;
  if (missingFile)
    return [{ code: "missing-file", message: `case ${c.id}: file ${c.file} is not a test file in the repo` }];
  if (c.name !== undefined) {
    if (exact.length === 0 && maybe.length === 0)
      return [
        {
          code: "name-unmatched",
          message: `case ${c.id}: exact name "${c.name}" matches no test${c.file ? ` in ${c.file}` : ""}`,
        },
      ];
    if (exact.length > 1)
      return [
        {
          code: "name-ambiguous",
          message: `case ${c.id}: exact name "${c.name}" matches ${exact.length} tests (${exact.map(where).join(", ")}); add "file" or rename one`,
        },
      ];
  }
  if (c.filter !== undefined && exact.length === 0 && maybe.length === 0)
    return [
      {
        code: "filter-unmatched",
        message: `case ${c.id}: filter /${c.filter}/ matches nothing${c.file ? ` in ${c.file}` : ""}`,
      },
    ];
  if (c.name === undefined && c.filter === undefined && exact.length === 0)
    return [{ code: "file-empty", message: `case ${c.id}: file ${c.file} has no tests the scanner can see` }];
  return [];
}

/** A test taken by two cases would run twice, in two lanes. */
function overlaps(claims: readonly Claim[]): Problem[] {
  const owner = new Map<string, string>();
  const out: Problem[] = [];
  for (const cl of claims) {
    for (const t of cl.sel.exact) {
      const k = testKey(t);
      const prev = owner.get(k);
      if (prev && prev !== cl.case.id)
        out.push({
          code: "overlap",
          message: `test "${t.name}" (${where(t)}) is selected by cases ${prev} and ${cl.case.id}`,
        });
      else owner.set(k, cl.case.id);
    }
  }
  return out;
}

function parseProblems(plans: readonly FilePlan[]): Problem[] {
  return plans
    .filter((p) => p.scanned.parseError !== undefined && p.kind === "runtime")
    .map((p) => ({ code: "parse-error", message: `${p.file}: cannot read its tests (${p.scanned.parseError})` }));
}

/**
 * Every runtime test is owned: by a broad shard filter or by a case. A runtime test is any test
 * in the runtime folder, and, wherever it lives, one that starts the proxy, a broker or a prodex
 * launch (its content says so: runtime-signals.ts).
 */
function coverage(plans: readonly FilePlan[], claims: readonly Claim[]): Problem[] {
  const covered = new Set(claims.flatMap((cl) => [...cl.sel.exact, ...cl.sel.maybe].map(testKey)));
  const wholeFiles = new Set(
    claims.filter((cl) => cl.case.name === undefined && cl.case.filter === undefined).flatMap((cl) => cl.sel.files),
  );
  const namedFiles = new Set(claims.flatMap((cl) => (cl.case.file ? [cl.case.file] : [])));
  const out: Problem[] = [];
  for (const p of plans) {
    if (p.shard || wholeFiles.has(p.file)) continue;
    for (const t of p.scanned.tests) {
      const why = p.kind === "runtime" ? "" : runtimeSignal(p, t);
      if (why === null || covered.has(testKey(t))) continue;
      if (t.pattern !== undefined && namedFiles.has(p.file)) continue;
      out.push(
        why
          ? {
              code: "uncovered-by-content",
              message: `runtime test "${t.name}" (${where(t)}) ${why.what} (line ${why.line}) but no runtime shard or manifest case owns it; give it a case in the manifest (docs/testing.md, "Choosing a tag")`,
            }
          : {
              code: "uncovered",
              message: `runtime test "${t.name}" (${where(t)}) is covered by no manifest case and no runtime shard filter`,
            },
      );
    }
  }
  return out;
}

/** The signal that makes `t` a runtime test: one inside it, or one outside every test (a hook or helper serves them all); null if none. */
function runtimeSignal(p: FilePlan, t: ScannedTest): Signal | null {
  const { tests, signals } = p.scanned;
  return (
    signals.find((sig) => t.start <= sig.offset && sig.offset < t.end) ??
    signals.find((sig) => !tests.some((x) => x.start <= sig.offset && sig.offset < x.end)) ??
    null
  );
}

/** Exact names must stay unique inside a runtime file, or `-t "^name$"` runs both. */
function runtimeNameRepeats(plans: readonly FilePlan[]): Problem[] {
  return plans
    .filter((p) => p.kind === "runtime")
    .flatMap((p) =>
      repeated(p.scanned.tests.filter((t) => t.pattern === undefined).map((t) => t.name)).map((n) => ({
        code: "duplicate-test-name",
        message: `${p.file}: test name "${n}" is used more than once`,
      })),
    );
}

function shardProblems(input: GuardInput): Problem[] {
  const { manifest, ciShards, ciPath } = input;
  const out: Problem[] = [];
  for (const s of manifest.shards) {
    if (!s.filter.startsWith(manifest.runtimeDir))
      out.push({
        code: "shard-outside",
        message: `shard ${s.label}: filter "${s.filter}" is outside the runtime test folder ${manifest.runtimeDir}`,
      });
    if (reservedLanes.has(s.label))
      out.push({ code: "shard-reserved", message: `shard ${s.label}: the label is a built-in lane name` });
  }
  if (ciShards === undefined) {
    out.push({
      code: "shard-drift",
      message: `${ciPath} declares no RUNTIME_SHARDS="…" line; it must list the manifest's shards (${manifest.shards.map((s) => s.label).join(" ") || "none"})`,
    });
    return out;
  }
  const labels = new Set(manifest.shards.map((s) => s.label));
  for (const l of labels)
    if (!ciShards.includes(l))
      out.push({
        code: "shard-drift",
        message: `shard ${l} is in the manifest but ${ciPath} does not run it (RUNTIME_SHARDS)`,
      });
  for (const l of ciShards)
    if (!labels.has(l))
      out.push({ code: "shard-drift", message: `${ciPath} runs shard ${l}, which the manifest does not define` });
  return out;
}

/** Static check: process-global writes in a file that runs (partly) in a parallel lane. */
function envMutations(plans: readonly FilePlan[]): Problem[] {
  const out: Problem[] = [];
  for (const p of plans) {
    if (p.whole) continue;
    for (const m of p.scanned.mutations) {
      const inside = p.scanned.tests.filter((t) => t.start <= m.offset && m.offset < t.end);
      if (inside.length > 0 && !inside.some((t) => runsInParallel(p, t))) continue;
      const at = inside.find((t) => runsInParallel(p, t));
      const what = at ? `in test "${at.name}"` : "outside any test (module scope, hook or helper)";
      out.push({
        code: "env-mutation",
        message: `${p.file}:${m.line}: \`${m.kind}\` ${what} runs in a parallel lane; pass env to a subprocess instead, or give the test a serial case (core:serial / runtime:serial / runtime:env)`,
      });
    }
  }
  return out;
}

/** What a case selects within its file, in words: by exact name, by filter, or the whole file. */
function selectorText(c: { name?: string; filter?: string }): string {
  if (c.name !== undefined) return `name "${c.name}"`;
  return c.filter !== undefined ? `filter /${c.filter}/` : "(whole file)";
}

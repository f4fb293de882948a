#!/usr/bin/env bun
// `bun run release`: dist/release/prodex-<os>-<arch> for every release target, plus SHA256SUMS.
// Cross targets need the matching Bun runtime, which bun fetches from the npm registry once.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { RELEASE_TARGETS, ROOT, compile } from "./compile.ts";

const only = process.argv.slice(2);
const unknown = only.filter((t) => !RELEASE_TARGETS.includes(t as (typeof RELEASE_TARGETS)[number]));
if (unknown.length) {
  process.stderr.write(`release: unknown target ${unknown.join(", ")}; pick from ${RELEASE_TARGETS.join(", ")}\n`);
  process.exit(1);
}
const targets = only.length ? RELEASE_TARGETS.filter((t) => only.includes(t)) : RELEASE_TARGETS;
const dir = join(ROOT, "dist", "release");
// Sums of targets not rebuilt this run are kept.
const sumsFile = join(dir, "SHA256SUMS");
const sums = new Map<string, string>();
if (existsSync(sumsFile)) {
  for (const line of readFileSync(sumsFile, "utf8").split("\n")) {
    const [sum, name] = line.split(/\s+/);
    if (sum && name) sums.set(name, sum);
  }
}
let failed = false;
for (const target of targets) {
  const outfile = join(dir, `prodex-${target.replace(/^bun-/, "")}`);
  try {
    await compile(outfile, target);
    const sum = createHash("sha256").update(readFileSync(outfile)).digest("hex");
    sums.set(basename(outfile), sum);
    process.stdout.write(`built ${outfile.replace(`${ROOT}/`, "")}\n`);
  } catch (e) {
    failed = true;
    process.stderr.write(`release: ${target}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
if (sums.size) writeFileSync(sumsFile, `${[...sums].sort(([a], [b]) => a.localeCompare(b)).map(([name, sum]) => `${sum}  ${name}`).join("\n")}\n`);
process.exit(failed ? 1 : 0);

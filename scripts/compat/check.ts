#!/usr/bin/env bun
// `bun run compat:check`: are the client behaviours prodex depends on still in the pinned
// Codex CLI and Claude Code? Offline: strings in the installed native binaries + replay fixtures.
import { join } from "node:path";
import { checkCompat } from "../../packages/manifest/src/compat/compat.ts";

const root = join(import.meta.dir, "../..");
const baseline = process.argv[2] ?? join(import.meta.dir, "upstream-baseline.json");
const started = performance.now();
const r = await checkCompat(root, baseline);
for (const n of r.notes) console.log(`  ${n}`);
for (const p of r.problems) console.log(`✗ ${p}`);
for (const m of r.missing) console.log(`✗ missing ${m.message}`);
const ms = Math.round(performance.now() - started);
const bad = r.problems.length + r.missing.length;
console.log(bad === 0 ? `compat: ok — ${r.checked} checks (${ms} ms)` : `compat: ${r.missing.length} missing, ${r.problems.length} problem(s) of ${r.checked} checks (${ms} ms)`);
process.exitCode = bad === 0 ? 0 : 1;

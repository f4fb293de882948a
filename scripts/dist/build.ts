#!/usr/bin/env bun
// `bun run build`: dist/prodex, one executable for this machine (no Bun or checkout needed to run it).
import { join } from "node:path";
import { ROOT, compile } from "./compile.ts";

const outfile = join(ROOT, "dist", "prodex");
const started = performance.now();
try {
  await compile(outfile);
} catch (e) {
  process.stderr.write(`build: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
const size = Bun.file(outfile).size;
process.stdout.write(`built ${outfile.replace(`${ROOT}/`, "")} (${(size / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

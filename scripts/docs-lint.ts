#!/usr/bin/env bun
// `bun run docs:lint [files…]`: markdownlint + relative links that must exist + `bun run X`
// commands that must be scripts in package.json. Rules: packages/manifest/src/docs/docs-lint.ts.
import { join } from "node:path";
import { lintDocs } from "../packages/manifest/src/docs/docs-lint.ts";

const root = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const { files, problems } = await lintDocs(root, args.length > 0 ? args : undefined);
for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
console.log(
  problems.length === 0
    ? `docs: ok — ${files.length} Markdown files`
    : `docs: ${problems.length} problem(s) in ${new Set(problems.map((p) => p.file)).size} of ${files.length} files`,
);
process.exitCode = problems.length === 0 ? 0 : 1;

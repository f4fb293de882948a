import { resolve } from "node:path";
import { checkManifest } from "../guard/guard.ts";
import { findRoot, loadContext, type Context } from "../load.ts";
import { common, parse } from "./args.ts";

export type Print = (line: string) => void;

/** Runs the guard on a loaded context; prints each problem on its own line. */
export function runGuard(ctx: Context, print: Print, startedAt: number): boolean {
  const problems = checkManifest({
    manifest: ctx.manifest,
    files: ctx.files,
    ciShards: ctx.ciShards,
    ciPath: ctx.ciPath,
  });
  const runtime = ctx.plans.filter((p) => p.kind === "runtime");
  const runtimeTests = runtime.reduce((n, p) => n + p.scanned.tests.length, 0);
  const ms = Math.round(performance.now() - startedAt);
  for (const p of problems) print(`✗ [${p.code}] ${p.message}`);
  const facts = `${ctx.manifest.cases.length} cases, ${ctx.manifest.shards.length} shards, ${ctx.files.length} test files, ${runtime.length} runtime files with ${runtimeTests} tests (${ms} ms)`;
  print(
    problems.length === 0
      ? `runtime manifest: ok — ${facts}`
      : `runtime manifest: ${problems.length} problem(s) — ${facts}`,
  );
  return problems.length === 0;
}

export async function contextFrom(values: { root?: string; manifest?: string; ci?: string }): Promise<Context> {
  const root = values.root ? resolve(values.root) : await findRoot(process.cwd());
  return loadContext({
    root,
    ...(values.manifest ? { manifest: values.manifest } : {}),
    ...(values.ci ? { ci: resolve(values.ci) } : {}),
  });
}

/** `bun run ci:runtime-manifest` */
export async function guardCommand(argv: string[], print: Print): Promise<number> {
  const started = performance.now();
  const values = parse(argv, common, "ci:runtime-manifest");
  const ctx = await contextFrom(values);
  return runGuard(ctx, print, started) ? 0 : 1;
}

import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

// One `bun build --compile` for the host or a --target. Everything is embedded: the program,
// the store's migrations (TS), Ink/yoga (wasm inlined as JS), the mock backend for `prodex demo`.

export const ROOT = resolve(import.meta.dir, "../..");
export const ENTRY = join(ROOT, "apps/cli/src/main.ts");
/** Worker threads' scripts: entry points of their own in a compiled binary (see the store's worker-sink.ts). */
export const WORKERS = [join(ROOT, "packages/store/src/writer/writer-worker.ts")];

export type CompileTarget = "bun-linux-x64" | "bun-linux-arm64" | "bun-darwin-x64" | "bun-darwin-arm64";
export const RELEASE_TARGETS: CompileTarget[] = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64"];

/**
 * The flags, in one place (tested by the startup bench):
 * --splitting keeps `prodex --version` to a small chunk (commands load on demand),
 * --bytecode skips parsing at startup, whitespace/syntax minifying shrinks what is left.
 */
export function compileArgs(outfile: string, target?: CompileTarget): string[] {
  return [
    "build",
    ENTRY,
    ...WORKERS,
    "--compile",
    "--splitting",
    "--bytecode",
    "--format=esm",
    // Identifiers stay readable so PRODEX_DEBUG stack traces still name functions.
    "--minify-syntax",
    "--minify-whitespace",
    // Ink loads its devtools bridge only when DEV=true, inside a try; the package is not installed.
    "--external",
    "react-devtools-core",
    ...(target ? [`--target=${target}`] : []),
    "--outfile",
    outfile,
  ];
}

/** Builds into a temp name and renames, so a running test never sees half a binary. */
export async function compile(outfile: string, target?: CompileTarget): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  const proc = Bun.spawn([process.execPath, ...compileArgs(tmp, target)], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`bun build --compile${target ? ` --target=${target}` : ""} failed (exit ${code}):\n${(err || out).trim()}`);
  }
  renameSync(tmp, outfile);
}

/** The newest modification time under the sources a binary is built from (tests rebuild when stale). */
export async function newestSource(): Promise<number> {
  const { statSync } = await import("node:fs");
  let newest = 0;
  for (const pattern of ["apps/*/src/**/*.{ts,tsx,json}", "packages/*/src/**/*.{ts,tsx,json}", "apps/*/package.json", "packages/*/package.json"]) {
    for await (const rel of new Bun.Glob(pattern).scan({ cwd: ROOT })) {
      if (rel.includes("node_modules") || /\.test\.tsx?$/.test(rel)) continue;
      newest = Math.max(newest, statSync(join(ROOT, rel)).mtimeMs);
    }
  }
  return newest;
}

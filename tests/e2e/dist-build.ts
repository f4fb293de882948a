import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { ROOT, compile, newestSource } from "../../scripts/dist/compile.ts";
import { pack } from "../../scripts/dist/pack.ts";

export const BINARY = join(ROOT, "dist", "prodex");

/**
 * dist/prodex when it is at least as new as every source it is built from (`bun run build`, or
 * the lane runner's prebuild, made it); otherwise a fresh build into `scratch`, so tests never
 * write to the shared dist/.
 */
export async function ensureBinary(scratch: string): Promise<string> {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= (await newestSource())) return BINARY;
  const out = join(scratch, "prodex-built");
  await compile(out);
  return out;
}

/** A freshly packed npm tarball of `prodex`, staged and written under `scratch`. */
export function packTarball(scratch: string): Promise<string> {
  return pack({ stage: join(scratch, "stage"), outDir: scratch });
}

/** Runs a command to completion with its own env; kills it after `timeoutMs`. */
export { runToEnd as run } from "@prodex/testkit/cli-env";

/**
 * Bun's package cache to install with: content-addressed, so sharing it is safe, and a test in
 * a lane sandbox (fresh HOME) does not download the agents again. The lane runner points the
 * transpiler cache at `<real home>/.bun/install/cache/@t@`; the package cache is its parent.
 */
export function bunInstallCache(env: Record<string, string | undefined>): string {
  if (env.BUN_INSTALL_CACHE_DIR) return env.BUN_INSTALL_CACHE_DIR;
  const transpiler = env.BUN_RUNTIME_TRANSPILER_CACHE_PATH;
  if (transpiler && basename(transpiler) === "@t@") return dirname(transpiler);
  return join(env.HOME || homedir(), ".bun", "install", "cache");
}

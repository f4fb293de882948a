import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Ports each slot may use from PRODEX_TEST_PORT_BASE (tests mostly use port 0). */
export const portSpan = 100;
const portFloor = 20_000;
const portSlots = 100; // 20000–29999: below Linux's ephemeral range (32768+)

export type Sandbox = { dir: string; env: Record<string, string>; logDir: string };

/** Variables that would point a test at the developer's real state; a sandbox replaces or drops them. */
const dropped = /^(PRODEX_|CODEX_|CLAUDE_|ANTHROPIC_|OPENAI_)/;

/** The first port of a slot's range: spread by run (pid) so two runners rarely share ranges. */
export function portBase(slot: number, seed: number = process.pid): number {
  return portFloor + (((seed % portSlots) + slot) % portSlots) * portSpan;
}

/**
 * A fresh HOME, PRODEX_HOME, CODEX_HOME, CLAUDE_CONFIG_DIR, PRODEX_RUNTIME_LOG_DIR and TMPDIR
 * for one unit, and an env that points at them. The parent's env is copied, never changed.
 */
export async function makeSandbox(
  base: Record<string, string | undefined>,
  unitId: string,
  slot: number,
  root = tmpdir(),
): Promise<Sandbox> {
  const dir = await mkdtemp(join(root, `prodex-lane-${unitId.replace(/[^a-zA-Z0-9-]/g, "_")}-`));
  const paths = {
    HOME: join(dir, "home"),
    PRODEX_HOME: join(dir, "prodex-home"),
    CODEX_HOME: join(dir, "codex-home"),
    CLAUDE_CONFIG_DIR: join(dir, "claude-config"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "runtime-log"),
    TMPDIR: join(dir, "tmp"),
  };
  await Promise.all(Object.values(paths).map((p) => mkdir(p, { recursive: true })));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !dropped.test(k)) env[k] = v;
  Object.assign(env, paths, {
    // A fresh HOME would otherwise start Bun's transpiler cache from empty in every process.
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: transpilerCache(base),
    PRODEX_TEST_PORT_BASE: String(portBase(slot)),
    PRODEX_TEST_PORT_COUNT: String(portSpan),
    PRODEX_TEST_LANE_UNIT: unitId,
  });
  return { dir, env, logDir: paths.PRODEX_RUNTIME_LOG_DIR };
}

/** Bun's default transpiler cache for the parent's HOME; content-addressed, safe to share. */
function transpilerCache(base: Record<string, string | undefined>): string {
  if (base.BUN_RUNTIME_TRANSPILER_CACHE_PATH !== undefined) return base.BUN_RUNTIME_TRANSPILER_CACHE_PATH;
  if (base.XDG_CACHE_HOME) return join(base.XDG_CACHE_HOME, "bun", "@t@");
  return join(base.HOME ?? tmpdir(), ".bun", "install", "cache", "@t@");
}

export async function removeSandbox(s: Sandbox): Promise<void> {
  await rm(s.dir, { recursive: true, force: true });
}

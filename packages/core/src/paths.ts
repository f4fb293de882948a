import { homedir } from "node:os";
import { join, resolve } from "node:path";

export type Env = Record<string, string | undefined>;

export type Paths = {
  home: string;
  prodexHome: string;
  db: string;
  config: string;
  profilesDir: string;
  locksDir: string;
  /** Codex state shared by every managed profile (history, sessions, config). */
  sharedCodexHome: string;
  runtimeLogDir: string;
  /** Points at the newest runtime log (`prodex-runtime-latest.path`). */
  runtimeLogPointer: string;
};

export function resolvePaths(env: Env = process.env): Paths {
  const home = env.HOME || homedir();
  const prodexHome = resolve(env.PRODEX_HOME || join(home, ".prodex"));
  const runtimeLogDir = resolve(env.PRODEX_RUNTIME_LOG_DIR || defaultRuntimeLogDir(env, prodexHome));
  return {
    home,
    prodexHome,
    db: join(prodexHome, "prodex.db"),
    config: join(prodexHome, "config.json"),
    profilesDir: join(prodexHome, "profiles"),
    locksDir: join(prodexHome, "locks"),
    sharedCodexHome: resolve(env.PRODEX_SHARED_CODEX_HOME || join(home, ".codex")),
    runtimeLogDir,
    runtimeLogPointer: join(runtimeLogDir, "prodex-runtime-latest.path"),
  };
}

/**
 * Runtime logs live in a folder of the user's own (created 0700), never a shared TMPDIR where
 * another user could plant the pointer or a log: with PRODEX_HOME set, beside everything else
 * of that home; otherwise the XDG state folder when there is one; else `~/.prodex/logs`.
 */
function defaultRuntimeLogDir(env: Env, prodexHome: string): string {
  if (!env.PRODEX_HOME && env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, "prodex", "logs");
  return join(prodexHome, "logs");
}

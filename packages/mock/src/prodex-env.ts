import { join } from "node:path";
import type { MockBackend } from "./types.ts";

/**
 * The environment a prodex process needs to live entirely under `dir` and talk to no upstream
 * but `mock`: its own HOME, PRODEX_HOME, shared Codex home and runtime-log dir, and the ChatGPT
 * base and token-refresh URLs on loopback. PATH and anything else are the caller's to add.
 */
export function prodexEnv(mock: Pick<MockBackend, "baseUrl" | "refreshUrl">, dir: string): Record<string, string> {
  return {
    HOME: join(dir, "home"),
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared-codex"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
    CODEX_CHATGPT_BASE_URL: mock.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
  };
}

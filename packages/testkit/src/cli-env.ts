import { afterEach } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type MockAccountInit, type MockBackend, type MockOptions, createMockBackend } from "@prodex/mock";
import { poolHome } from "./pool-home.ts";
import { stopBrokers } from "./brokers.ts";

export const REPO = resolve(import.meta.dir, "../../..");
export const CLI = join(REPO, "apps/cli/src/main.ts");

export type RunResult = { code: number; stdout: string; stderr: string };

/** Runs `cmd` to its end with stdout and stderr collected; SIGKILLs it after `timeoutMs` (default 60 s). */
export async function runToEnd(
  cmd: string[],
  o: { cwd?: string; env: Record<string, string>; stdin?: "ignore" | "pipe" | Uint8Array; timeoutMs?: number },
): Promise<RunResult> {
  const proc = Bun.spawn(cmd, { cwd: o.cwd, env: o.env, stdin: o.stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), o.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export type CliEnv = {
  dir: string;
  env: Record<string, string>;
  mock: MockBackend;
  names: string[];
  /** Runs `prodex <args>` as a subprocess with this env. */
  prodex(
    args: string[],
    options?: { stdin?: string; timeoutMs?: number; env?: Record<string, string> },
  ): Promise<RunResult>;
  close(): Promise<void>;
};

/**
 * An isolated world for end-to-end tests: a mock ChatGPT backend, temp HOME / PRODEX_HOME /
 * shared Codex home / runtime-log dir, and one managed profile per mock account (p1, p2, …)
 * logged in with the mock's tokens. Nothing here touches process.env or the user's files.
 */
export async function cliEnv(
  accounts: MockAccountInit[],
  mockOptions: Omit<MockOptions, "accounts"> = {},
  options: { addProfiles?: boolean } = {},
): Promise<CliEnv> {
  const mock = await createMockBackend({ ...mockOptions, accounts });
  const { dir, env, names } = poolHome(mock, options.addProfiles === false ? [] : accounts, {
    prefix: "prodex-e2e-",
    env: (dir) => ({
      TMPDIR: join(dir, "tmp"),
      PRODEX_TUI: "0",
      NO_COLOR: "1",
      // Keep Codex quiet and offline apart from the mock.
      CODEX_DISABLE_ANALYTICS: "1",
      RUST_LOG: "error",
    }),
    prepare: (env) => {
      for (const d of [env.HOME, env.TMPDIR, env.PRODEX_SHARED_CODEX_HOME]) mkdirSync(d as string, { recursive: true });
      // Codex otherwise reports metrics to ab.chatgpt.com; tests talk to loopback only.
      writeFileSync(join(env.PRODEX_SHARED_CODEX_HOME as string, "config.toml"), "[analytics]\nenabled = false\n");
    },
  });
  // A workspace Codex can run in (it refuses some things outside a git repo).
  writeFileSync(join(dir, "home", "README.md"), "e2e workspace\n");

  return {
    dir,
    env,
    mock,
    names,
    prodex(args, options = {}) {
      return runToEnd(["bun", CLI, ...args], {
        cwd: env.HOME,
        env: { ...env, ...options.env },
        stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
        timeoutMs: options.timeoutMs,
      });
    },
    async close() {
      // Launches share a detached broker that outlives them by design: end it with the test.
      await stopBrokers(env.PRODEX_HOME as string);
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens worlds for the tests of a file, each closed after its test. */
export function useCliEnvs(): typeof cliEnv {
  const open: CliEnv[] = [];
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
  });
  return async (...args) => {
    const w = await cliEnv(...args);
    open.push(w);
    return w;
  };
}

/** A failed run, for an assertion's message: exit code, stdout, and the tail of stderr. */
export function failure(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { GatewayStore } from "@prodex/store/pg";
import { type PgCluster, pgBinDir } from "@prodex/testkit/pg-cluster";
import {
  addAccount,
  createKey,
  parseSecretKey,
  startGateway,
  TokenVault,
  type GatewayHandle,
  type GatewayOptions,
} from "../src/index.ts";

/** A gateway world on one database of `pg`: the mock upstream, accounts added sealed, a user key, instances. */
export type GatewayWorld = {
  url: string;
  mock: MockBackend;
  store: GatewayStore;
  env: Record<string, string>;
  key: string;
  instances: GatewayHandle[];
  /**
   * An instance; `env` replaces entries of the world's environment (its own secret key file, say), `upstreamBase`
   * puts something between the instance and the mock (default: the mock).
   */
  start(
    env?: Record<string, string | undefined>,
    options?: Partial<Pick<GatewayOptions, "bodyReadMs" | "upstreamBase">>,
  ): Promise<GatewayHandle>;
  close(): Promise<void>;
};

let n = 0;
export async function gatewayWorld(
  pg: PgCluster,
  accounts: MockAccountInit[],
  options: { expiring?: string[]; expiresInSeconds?: Record<string, number> } = {},
): Promise<GatewayWorld> {
  const url = await pg.database(`gw_${process.pid}_${++n}`);
  const mock = await createMockBackend({ accounts });
  const dir = mkdtempSync(join(tmpdir(), "prodex-gw-world-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    TMPDIR: dir,
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
    PRODEX_GATEWAY_SECRET_KEY: randomBytes(32).toString("base64"),
  };
  const store = GatewayStore.open(url, { max: 2 });
  await store.migrate();
  const vault = await TokenVault.open(store, parseSecretKey(env.PRODEX_GATEWAY_SECRET_KEY ?? "", "test"));
  for (const a of accounts) {
    const seconds = options.expiresInSeconds?.[a.id] ?? (options.expiring?.includes(a.id) ? 60 : undefined);
    const auth = mock.authFile(a.id, seconds === undefined ? undefined : { expiresInSeconds: seconds });
    await addAccount(store, vault, a.id, JSON.stringify(auth));
  }
  const { key } = await createKey(store, "dev", "user");
  const instances: GatewayHandle[] = [];
  return {
    url,
    mock,
    store,
    env,
    key,
    instances,
    async start(own = {}, options = {}) {
      const g = await startGateway({
        ...options,
        databaseUrl: url,
        env: { ...env, ...own },
        upstreamBase: options.upstreamBase ?? mock.baseUrl,
        refreshUrl: mock.refreshUrl,
        version: "test",
      });
      instances.push(g);
      return g;
    },
    async close() {
      for (const g of instances.splice(0)) await g.stop();
      await store.close();
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Imported from here by the gateway tests; it lives in the testkit so the end-to-end suites use the same one.
export { codexTurn } from "@prodex/testkit/gateway-serve";

/** Claude Code's request (Anthropic Messages, not streamed) through a gateway instance, its key as the API key. */
export function claudeTurn(url: string, key: string): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      stream: false,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

/** Waits until `fn` holds (polling every 10 ms); how long that took, or an error naming `what`. */
export async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await fn()) return performance.now() - t0;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A database's rows as pg_dump prints them (what a test checks for tokens, or compares before and after). */
export function pgDataDump(url: string): string {
  const bin = join(pgBinDir() ?? "", "pg_dump");
  const dump = Bun.spawnSync([bin, "--data-only", url], { stdout: "pipe", stderr: "pipe" });
  if (!dump.success) throw new Error(dump.stderr.toString());
  // pg_dump 15.14+ fences its output with a random \restrict token: not data.
  return dump.stdout.toString().replace(/^\\(un)?restrict .*$/gm, "");
}

const CLI = join(import.meta.dir, "../../../apps/cli/src/main.ts");

/** `prodex ARGS` as a real process with exactly `env` (the operator's commands against a world's database). */
export async function prodexCli(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["bun", CLI, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

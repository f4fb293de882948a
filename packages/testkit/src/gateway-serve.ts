import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MockBackend } from "@prodex/mock";
import { CLI, failure, runToEnd } from "./cli-env.ts";

// A team gateway as tests drive it: `prodex gateway serve` as a real process, and a Codex-shaped request through it.

/**
 * A gateway's server side for end-to-end tests: the environment every `prodex gateway` command and `serve` runs with
 * (a home under `dir`, a fresh secret key, the mock as upstream), the schema migrated, and each of `accounts` added
 * from the mock's login for it (expiring in `expiresInSeconds` when given).
 */
export async function gatewayServerEnv(o: {
  dir: string;
  databaseUrl: string;
  mock: MockBackend;
  accounts: readonly string[];
  expiresInSeconds?: number;
}): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(o.dir, "server"),
    PRODEX_HOME: join(o.dir, "server", "prodex"),
    TMPDIR: o.dir,
    PRODEX_RUNTIME_LOG_DIR: join(o.dir, "server", "logs"),
    PRODEX_DATABASE_URL: o.databaseUrl,
    PRODEX_GATEWAY_SECRET_KEY: randomBytes(32).toString("base64"),
    CODEX_CHATGPT_BASE_URL: o.mock.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: o.mock.refreshUrl,
  };
  const run = async (args: string[]) => {
    const r = await runToEnd(["bun", CLI, ...args], { env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`prodex ${args.join(" ")} failed: ${failure(r)}`);
  };
  await run(["gateway", "migrate"]);
  for (const id of o.accounts) {
    const home = join(o.dir, "logins", id);
    mkdirSync(home, { recursive: true });
    const seconds = o.expiresInSeconds;
    writeFileSync(
      join(home, "auth.json"),
      JSON.stringify(o.mock.authFile(id, seconds ? { expiresInSeconds: seconds } : {})),
    );
    await run(["gateway", "account", "add", id, "--copy-from", home]);
  }
  return env;
}

/** A laptop of the team: a home under `dir` holding nothing but what it makes, and the gateway key in the env. */
export function laptopEnv(dir: string, name: string, key: string): Record<string, string> {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    PRODEX_HOME: join(home, "prodex"),
    TMPDIR: home,
    PRODEX_GATEWAY_KEY: key,
    NO_COLOR: "1",
    CODEX_DISABLE_ANALYTICS: "1",
    RUST_LOG: "error",
  };
}

export type ServedGateway = { proc: ReturnType<typeof Bun.spawn>; url: string; instance: string };

/** `prodex gateway serve` on a free loopback port with exactly `env`; resolves once it listens (its JSON line). */
export async function serveGateway(env: Record<string, string>): Promise<ServedGateway> {
  const proc = Bun.spawn(["bun", CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json", "--quiet"], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const { value } = await Promise.race([reader.read(), Bun.sleep(20_000).then(() => ({ value: undefined }))]);
  reader.releaseLock();
  if (!value) {
    proc.kill("SIGKILL");
    throw new Error(`gateway serve did not start: ${await new Response(proc.stderr).text()}`);
  }
  const info = JSON.parse(new TextDecoder().decode(value)) as { url: string; instance: string };
  return { proc, ...info };
}

/** A Codex-shaped streamed request through a gateway instance; resolves with the status and the whole body. */
export async function codexTurn(
  gatewayUrl: string,
  key: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${gatewayUrl}/backend-api/codex/responses`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "text/event-stream",
      ...headers,
    },
    body: JSON.stringify({
      model: "gpt-5",
      instructions: "",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: true,
      store: false,
      ...body,
    }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

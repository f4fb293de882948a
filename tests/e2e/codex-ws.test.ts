import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { stopBrokers } from "../helpers/brokers.ts";

// The real Codex CLI 0.169 (apps/cli's pinned @openai/codex) through `prodex exec`, talking to
// the proxy over its Responses websocket, against the mock backend. Everything is a subprocess
// with its own temp HOME / PRODEX_HOME / shared Codex home / log dir; process.env is never touched.

const REPO = resolve(import.meta.dir, "../..");
const CLI = join(REPO, "apps/cli/src/main.ts");

type Run = { code: number; stdout: string; stderr: string };
type World = { dir: string; env: Record<string, string>; mock: MockBackend; prodex(args: string[]): Promise<Run>; close(): Promise<void> };

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function setup(accounts: MockAccountInit[]): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "prodex-e2e-ws-"));
  const mock = await createMockBackend({ accounts });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    TMPDIR: join(dir, "tmp"),
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared-codex"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
    CODEX_CHATGPT_BASE_URL: mock.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
    PRODEX_TUI: "0",
    NO_COLOR: "1",
    RUST_LOG: "error",
  };
  for (const d of [env.HOME, env.TMPDIR, env.PRODEX_SHARED_CODEX_HOME]) mkdirSync(d ?? dir, { recursive: true });
  // Codex otherwise posts metrics to ab.chatgpt.com; tests talk to loopback only.
  writeFileSync(join(env.PRODEX_SHARED_CODEX_HOME ?? dir, "config.toml"), "[analytics]\nenabled = false\n");
  const run = async (args: string[], timeoutMs = 50_000): Promise<Run> => {
    const proc = Bun.spawn(["bun", CLI, ...args], { cwd: env.HOME, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    return { code, stdout, stderr };
  };
  // Profiles the way a user makes them: `prodex profile add NAME --copy-from DIR`.
  for (const [i, a] of accounts.entries()) {
    const from = join(dir, `login-${i + 1}`);
    mkdirSync(from, { recursive: true });
    writeFileSync(join(from, "auth.json"), JSON.stringify(mock.authFile(a.id)));
    const added = await run(["profile", "add", `p${i + 1}`, "--copy-from", from], 20_000);
    if (added.code !== 0) throw new Error(`profile add failed: ${added.stderr}`);
  }
  return {
    dir,
    env,
    mock,
    prodex: (args) => run(args),
    async close() {
      await stopBrokers(env.PRODEX_HOME as string);
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function failure(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

/** What the mock saw on /responses: "transport account status", in order. */
function seen(mock: MockBackend): string[] {
  return mock.requests({ path: "/backend-api/codex/responses" }).map((r) => `${r.transport} ${r.accountId} ${r.status}`);
}

describe("prodex exec with the real Codex CLI over the websocket", () => {
  test("Codex takes the websocket through the proxy and prints the answer", async () => {
    world = await setup([{ id: "acct-a", primary: { usedPercent: 10 } }, { id: "acct-b", primary: { usedPercent: 50 } }]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    const s = seen(world.mock);
    // The upgrade, Codex's prewarm (generate:false) and the turn, all on one account's websocket.
    expect(s).toContain("http acct-a 101");
    expect(s.filter((x) => x === "ws acct-a 200").length).toBeGreaterThanOrEqual(2);
    expect(s.some((x) => x.startsWith("http") && !x.endsWith("101"))).toBe(false);
    const frames = world.mock.requests({ path: "/backend-api/codex/responses" }).filter((q) => q.transport === "ws");
    expect(frames.some((q) => (q.body as { generate?: boolean } | null)?.generate === false)).toBe(true);
  }, 60_000);

  test("the first account answers a usage-limit error frame: the answer still prints, exit 0", async () => {
    world = await setup([{ id: "acct-a", primary: { usedPercent: 5 } }, { id: "acct-b", primary: { usedPercent: 50 } }]);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(r.stderr.toLowerCase()).not.toContain("usage limit");
    const s = seen(world.mock);
    expect(s).toContain("ws acct-a 429");
    expect(s).toContain("ws acct-b 200");
    // Codex never had to reconnect or fall back to HTTP: the proxy moved the turn itself.
    expect(s.filter((x) => x.endsWith(" 101"))).toEqual(["http acct-a 101", "http acct-b 101"]);
    expect(s.some((x) => x.startsWith("http") && !x.endsWith("101"))).toBe(false);
  }, 60_000);
});

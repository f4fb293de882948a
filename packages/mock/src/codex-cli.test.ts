/**
 * The real Codex CLI (apps/cli's pin, the newest supported) against the mock: proof that the mock
 * speaks what Codex accepts.
 * Each run gets its own temp HOME and CODEX_HOME; ~/.codex is never touched.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codexConfigArgs } from "./codex-config.ts";
import { createMockBackend } from "./server.ts";
import { rec } from "./test-support.ts";
import type { AuthJson, MockBackend } from "./types.ts";

const CODEX = new URL("../../../apps/cli/node_modules/.bin/codex", import.meta.url).pathname;

type Run = { code: number; stdout: string; stderr: string; codexHome: string };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function start(): Promise<MockBackend> {
  const mock = await createMockBackend({ accounts: [{ id: "acct-cli-1" }] });
  cleanup.push(() => mock.stop());
  return mock;
}

async function codex(mock: MockBackend, prompt: string, opts: { auth: AuthJson; websockets?: boolean }): Promise<Run> {
  if (!existsSync(CODEX)) throw new Error(`Codex CLI not installed at ${CODEX}; run bun install`);
  const home = mkdtempSync(join(tmpdir(), "prodex-mock-codex-"));
  cleanup.push(() => rmSync(home, { recursive: true, force: true }));
  const codexHome = join(home, ".codex");
  const work = join(home, "work");
  mkdirSync(codexHome);
  mkdirSync(work);
  writeFileSync(join(codexHome, "auth.json"), JSON.stringify(opts.auth));
  const args = [
    "exec",
    "--skip-git-repo-check",
    ...codexConfigArgs({ baseUrl: mock.baseUrl, websockets: opts.websockets }),
    prompt,
  ];
  const proc = Bun.spawn([CODEX, ...args], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      CODEX_HOME: codexHome,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
      RUST_LOG: "warn",
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill(), 17_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr, codexHome };
}

const inference = (mock: MockBackend) => mock.requests({ path: "/backend-api/codex/responses" });

describe("real codex exec against the mock", () => {
  test("say hi over the websocket: the reply prints and codex exits 0", async () => {
    const mock = await start();
    const run = await codex(mock, "say hi", { auth: mock.authFile("acct-cli-1") });
    expect(run.stdout.trim()).toBe("hi from mock");
    expect(run.code).toBe(0);
    const transports = inference(mock).map((r) => `${r.transport}:${r.status}`);
    expect(transports[0]).toBe("http:101");
    expect(transports).toContain("ws:200");
    expect(mock.requests({ path: "/backend-api/wham/accounts/check" })[0]?.status).toBe(200);
    expect(mock.requests({ path: "/backend-api/codex/models" })[0]?.status).toBe(200);
    expect(mock.accounts()[0]?.counters.completed).toBe(1);
    // Loopback only: analytics are off, so no events were posted either.
    expect(mock.requests({ path: "/backend-api/codex/analytics-events/events" })).toEqual([]);
  }, 20_000);

  test("a prompt with 'tool': Codex runs echo, and the second answer prints", async () => {
    const mock = await start();
    const run = await codex(mock, "please use the tool", { auth: mock.authFile("acct-cli-1") });
    expect(run.stdout).toContain("tool said:");
    expect(run.stdout).toContain("tool-ran");
    expect(run.code).toBe(0);
    const frames = inference(mock).filter((r) => r.transport === "ws" && r.status === 200);
    const last = rec(frames.at(-1)?.body);
    expect(typeof last.previous_response_id).toBe("string");
    expect(JSON.stringify(last.input)).toContain('"function_call_output"');
  }, 20_000);

  test("over SSE (no websockets) the tool turn echoes x-codex-turn-state", async () => {
    const mock = await start();
    const run = await codex(mock, "use the tool", { auth: mock.authFile("acct-cli-1"), websockets: false });
    expect(run.stdout).toContain("tool said:");
    expect(run.code).toBe(0);
    const posts = inference(mock).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([200, 200]);
    expect(posts[0]?.headers["x-codex-turn-state"]).toBeUndefined();
    expect(posts[1]?.headers["x-codex-turn-state"]).toStartWith("mock-ts-");
  }, 20_000);

  test("an exhausted account: Codex prints the usage limit and exits 1", async () => {
    const mock = await start();
    mock.exhaust("acct-cli-1", 600);
    const run = await codex(mock, "say hi", { auth: mock.authFile("acct-cli-1") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("hit your usage limit");
    expect(mock.accounts()[0]?.counters).toMatchObject({
      completed: 0,
      limited: inference(mock).filter((r) => r.status === 429).length,
    });
  }, 20_000);

  test("an expired access token: Codex refreshes against the mock, rotates auth.json, answers", async () => {
    const mock = await start();
    const auth = mock.authFile("acct-cli-1", { expiresInSeconds: -60 });
    const run = await codex(mock, "say hi", { auth });
    expect(run.stdout.trim()).toBe("hi from mock");
    expect(run.code).toBe(0);
    expect(mock.refreshCalls("acct-cli-1")).toBe(1);
    const onDisk = rec(rec(JSON.parse(readFileSync(join(run.codexHome, "auth.json"), "utf8"))).tokens);
    expect(onDisk.refresh_token).not.toBe(auth.tokens.refresh_token);
    expect(mock.accounts()[0]?.tokens.refresh).toEqual([String(onDisk.refresh_token)]);
  }, 20_000);
});

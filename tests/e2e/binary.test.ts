import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockBackend, createMockBackend, prodexEnv } from "@prodex/mock";
import { resolveAgentBin } from "../../apps/cli/src/launch/agent-bin.ts";
import { profilesSchema } from "../../apps/cli/src/output/schemas/profiles.ts";
import { quotaSchema } from "../../apps/cli/src/output/schemas/quota.ts";
import { SUPPORTED } from "../../apps/cli/src/launch/supported-versions.ts";
import { versionSchema } from "../../apps/cli/src/output/schemas/version.ts";
import { stopBrokers } from "@prodex/testkit/brokers";
import { ensureBinary, run } from "./dist-build.ts";

// The compiled binary, copied alone into an empty directory, on a PATH with no Bun and no
// checkout: version, profile add/list, quota against the mock, exec and demo with the real Codex.

let dir: string;
let bin: string;
let mock: MockBackend;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "prodex-bin-"));
  const built = await ensureBinary(dir);
  for (const d of ["bin", "home", "tmp", "work", "login"]) mkdirSync(join(dir, d));
  bin = join(dir, "bin", "prodex");
  copyFileSync(built, bin);
  // The only other program on PATH: the real Codex CLI (its native binary, as a user's install would be).
  const codex = resolveAgentBin("codex", process.env);
  if (!codex) throw new Error("Codex CLI not installed; run bun install");
  symlinkSync(codex.path, join(dir, "bin", "codex"));
  mock = await createMockBackend({ accounts: [{ id: "acct-a", primary: { usedPercent: 25 } }] });
  writeFileSync(join(dir, "login", "auth.json"), JSON.stringify(mock.authFile("acct-a")), { mode: 0o600 });
  env = {
    PATH: join(dir, "bin"),
    ...prodexEnv(mock, dir),
    TMPDIR: join(dir, "tmp"),
    NO_COLOR: "1",
    RUST_LOG: "error",
  };
}, 120_000);

afterAll(async () => {
  if (env) await stopBrokers(env.PRODEX_HOME as string);
  await mock?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const prodex = (args: string[], extra: Record<string, string> = {}, timeoutMs = 60_000) =>
  run([bin, ...args], { cwd: join(dir, "work"), env: { ...env, ...extra }, timeoutMs });

describe("dist/prodex on its own", () => {
  test("--version: prodex, and the Codex it found on PATH", async () => {
    const r = await prodex(["--version", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const v = versionSchema.parse(JSON.parse(r.stdout));
    expect(v.agents.find((a) => a.agent === "codex")).toMatchObject({
      found: true,
      source: "path",
      version: SUPPORTED.codex.newest,
    });
    expect((await prodex(["--version"])).stdout).toMatch(/^prodex \d+\.\d+\.\d+/);
  }, 60_000);

  test("profile add and list", async () => {
    const add = await prodex(["profile", "add", "p1", "--copy-from", join(dir, "login")]);
    expect(add.code, add.stderr).toBe(0);
    const list = profilesSchema.parse(JSON.parse((await prodex(["profile", "list", "--json"])).stdout));
    expect(list.profiles.map((p) => [p.name, p.accountId, p.auth])).toEqual([["p1", "acct-a", "chatgpt"]]);
  }, 60_000);

  test("quota --json against the mock", async () => {
    const r = await prodex(["quota", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const q = quotaSchema.parse(JSON.parse(r.stdout));
    expect(q.profiles[0]?.windows.find((w) => w.label === "5h")?.remainingPercent).toBe(75);
  }, 60_000);

  test("exec through the proxy with the real Codex CLI", async () => {
    const r = await prodex(
      ["exec", "-q", "--skip-git-repo-check", "-c", "analytics.enabled=false", "say hi"],
      {},
      90_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
  }, 100_000);

  test("demo: a rotation, no Bun and no checkout needed", async () => {
    const r = await prodex(["demo", "--prompts", "4"], {}, 110_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/now serving from \w+ \(was alice\)/);
  }, 120_000);

  test("a Codex installed into $PRODEX_HOME/agents (as demo --install-agent leaves it) is found without PATH", async () => {
    const triple = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform === "darwin" ? "apple-darwin" : "unknown-linux-musl"}`;
    const home = join(dir, "agents-home");
    const vendor = join(
      home,
      "agents",
      "node_modules",
      "@openai",
      `codex-${process.platform}-${process.arch}`,
      "vendor",
      triple,
      "bin",
    );
    mkdirSync(vendor, { recursive: true });
    const real = resolveAgentBin("codex", process.env);
    if (!real) throw new Error("Codex CLI not installed; run bun install");
    symlinkSync(real.path, join(vendor, "codex"));
    const empty = join(dir, "empty-path");
    mkdirSync(empty, { recursive: true });
    const extra = { PRODEX_HOME: home, PATH: empty };
    const v = versionSchema.parse(JSON.parse((await prodex(["--version", "--json"], extra)).stdout));
    expect(v.agents[0]).toMatchObject({ agent: "codex", source: "agents", version: SUPPORTED.codex.newest });
    expect((await prodex(["profile", "add", "p1", "--copy-from", join(dir, "login")], extra)).code).toBe(0);
    const r = await prodex(
      ["exec", "-q", "--skip-git-repo-check", "-c", "analytics.enabled=false", "say hi"],
      extra,
      90_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
  }, 100_000);

  test("demo without any Codex and without a terminal: explains and exits, never waits", async () => {
    const empty = join(dir, "nothing");
    mkdirSync(empty, { recursive: true });
    const started = Date.now();
    const r = await run([bin, "demo"], {
      cwd: join(dir, "work"),
      env: { ...env, PATH: empty },
      stdin: "pipe",
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the demo runs the real Codex CLI, and none was found");
    expect(r.stderr).toContain("prodex demo --install-agent");
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

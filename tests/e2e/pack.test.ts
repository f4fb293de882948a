import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockBackend, createMockBackend, prodexEnv } from "@prodex/mock";
import { quotaSchema } from "../../apps/cli/src/output/schemas/quota.ts";
import { SUPPORTED } from "../../apps/cli/src/launch/supported-versions.ts";
import { versionSchema } from "../../apps/cli/src/output/schemas/version.ts";
import { bunInstallCache, packTarball, run } from "./dist-build.ts";

// The npm package: `bun run pack`'s tarball installed into an empty project, its `prodex` bin run
// under Bun and under Node (the npx path: the launcher re-executes itself with the `bun` dependency).

let dir: string;
let mock: MockBackend;
let env: Record<string, string>;
let tarball: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "prodex-pack-"));
  tarball = await packTarball(join(dir, "pack"));
  for (const d of ["project", "home", "tmp"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "project", "package.json"), JSON.stringify({ name: "pack-test", private: true }));
  const install = await run(["bun", "add", tarball], {
    cwd: join(dir, "project"),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: join(dir, "home"),
      TMPDIR: join(dir, "tmp"),
      BUN_INSTALL_CACHE_DIR: bunInstallCache(process.env),
    },
    timeoutMs: 110_000,
  });
  if (install.code !== 0) throw new Error(`bun add ${tarball} failed:\n${install.stderr}`);
  mock = await createMockBackend({ accounts: [{ id: "acct-a", primary: { usedPercent: 40 } }] });
  env = {
    ...prodexEnv(mock, dir),
    TMPDIR: join(dir, "tmp"),
    NO_COLOR: "1",
  };
  writeFileSync(join(dir, "auth.json"), JSON.stringify(mock.authFile("acct-a")), { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await mock?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const bin = () => join(dir, "project", "node_modules", ".bin", "prodex");
// Node only: no bun on PATH, so the launcher must use the package's own `bun` dependency.
const nodeOnly = () => ({ ...env, PATH: "/nonexistent" });

describe("the packed npm package", () => {
  test("the tarball carries the launcher and the bundle, and pins the agents and Bun", async () => {
    const list = await run(["tar", "tzf", tarball], { cwd: dir, env: { PATH: process.env.PATH ?? "" } });
    const files = list.stdout.trim().split("\n").sort();
    expect(files).toContain("package/bin/prodex.js");
    expect(files).toContain("package/dist/prodex.js");
    expect(files.some((f) => f.includes("src/") || f.endsWith(".ts"))).toBe(false);
    const manifest = await Bun.file(join(dir, "project", "node_modules", "prodex", "package.json")).json();
    expect(manifest.dependencies).toEqual({
      bun: "1.4.4",
      "@openai/codex": SUPPORTED.codex.newest,
      "@anthropic-ai/claude-code": SUPPORTED.claude.newest,
    });
    expect(JSON.stringify(manifest)).not.toContain("workspace:");
  }, 30_000);

  test("prodex --version finds the agents installed with it (run by Bun)", async () => {
    const r = await run(["bun", bin(), "--version", "--json"], {
      cwd: dir,
      env: { ...env, PATH: process.env.PATH ?? "" },
    });
    expect(r.code, r.stderr).toBe(0);
    const v = versionSchema.parse(JSON.parse(r.stdout));
    expect(v.agents.map((a) => [a.agent, a.found, a.source, a.version])).toEqual([
      ["codex", true, "bundled", SUPPORTED.codex.newest],
      ["claude", true, "bundled", SUPPORTED.claude.newest],
    ]);
  }, 60_000);

  test("under Node with no Bun on PATH (the npx path): add a profile, read its quota from the mock", async () => {
    const node = Bun.which("node");
    if (!node) throw new Error("node is not installed");
    const add = await run([node, bin(), "profile", "add", "p1", "--copy-from", dir], { cwd: dir, env: nodeOnly() });
    expect(add.code, add.stderr).toBe(0);
    const r = await run([node, bin(), "quota", "--json"], { cwd: dir, env: nodeOnly() });
    expect(r.code, r.stderr).toBe(0);
    expect(
      quotaSchema.parse(JSON.parse(r.stdout)).profiles[0]?.windows.find((w) => w.label === "5h")?.remainingPercent,
    ).toBe(60);
  }, 60_000);

  test("under Node with no Bun anywhere: one clear line", async () => {
    const node = Bun.which("node");
    if (!node) throw new Error("node is not installed");
    const launcher = join(dir, "project", "node_modules", "prodex", "bin", "prodex.js");
    // A copy of the launcher outside the install cannot see the `bun` dependency.
    const lone = join(dir, "lone", "bin");
    mkdirSync(lone, { recursive: true });
    writeFileSync(join(lone, "prodex.js"), await Bun.file(launcher).text());
    const r = await run([node, join(lone, "prodex.js"), "--version"], { cwd: dir, env: nodeOnly() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("prodex runs on Bun, and no Bun was found");
    expect(r.stderr).toContain("npm install -g bun");
  }, 30_000);
});

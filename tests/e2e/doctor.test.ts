import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { SUPPORTED } from "../../apps/cli/src/launch/supported-versions.ts";
import { doctorSchema } from "../../apps/cli/src/output/schemas/doctor.ts";
import { type CliEnv, useCliEnvs } from "@prodex/testkit/cli-env";
import { oldestClientBin } from "@prodex/testkit/client-installs";

// `prodex doctor` against broken setups: each problem is found, explained with a fix, and sets
// the exit code; nothing crashes and no secret is printed.

const openEnv = useCliEnvs();

async function doctor(w: CliEnv, args: string[] = [], env: Record<string, string> = {}) {
  const r = await w.prodex(["doctor", "--json", ...args], { env });
  const report = doctorSchema.parse(JSON.parse(r.stdout));
  const find = (id: string) => report.findings.filter((f) => f.id === id);
  return { ...r, report, find };
}

/** `prodex doctor` with a fake Codex that reports `version`: its agents.codex finding (exit 0: only a warning). */
async function doctorWithCodex(w: CliEnv, version: string) {
  const fake = join(w.dir, "fake-codex");
  writeFileSync(fake, `#!/bin/sh\necho codex-cli ${version}\n`, { mode: 0o755 });
  const r = await doctor(w, ["--offline"], { PRODEX_CODEX_BIN: fake });
  expect(r.code).toBe(0);
  return { f: r.find("agents.codex")[0], fake };
}

function edit(w: CliEnv, fn: (ctx: Context) => void): void {
  const ctx = new Context({ env: w.env, source: "test-setup" });
  try {
    fn(ctx);
  } finally {
    ctx.close();
  }
}

const home = (w: CliEnv, name: string) => join(w.env.PRODEX_HOME as string, "profiles", name);

describe("prodex doctor", () => {
  test("a healthy pool: exit 0, the upstream answers, every profile logged in", async () => {
    const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
    const r = await doctor(world);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.ok).toBe(true);
    expect(r.find("network.upstream")[0]?.severity).toBe("ok");
    expect(r.find("auth.ok").map((f) => f.profile)).toEqual(["p1", "p2"]);
    expect(r.find("database.integrity")[0]?.severity).toBe("ok");
    const text = await world.prodex(["doctor"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("no problems found");
  }, 60_000);

  test("a fresh machine: nothing is created, nothing fails", async () => {
    const world = await openEnv([]);
    const fresh = { PRODEX_HOME: join(world.dir, "never-made") };
    const r = await doctor(world, ["--offline"], fresh);
    expect(r.code, r.stderr).toBe(0);
    expect(r.find("files.home")[0]?.severity).toBe("info");
    expect(r.find("database.missing")).toHaveLength(1);
    expect(existsSync(fresh.PRODEX_HOME)).toBe(false);
  }, 60_000);

  test("loose permissions: auth.json readable by others is an error with a chmod fix (exit 4)", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const auth = join(home(world, "p1"), "auth.json");
    chmodSync(auth, 0o644);
    chmodSync(world.env.PRODEX_HOME as string, 0o755);
    const r = await doctor(world);
    expect(r.code).toBe(4);
    const bad = r.find("files.auth-mode")[0];
    expect(bad).toMatchObject({ severity: "error", path: auth, fix: `chmod 600 ${auth}`, profile: "p1" });
    expect(r.find("files.dir-mode").find((f) => f.path === world?.env.PRODEX_HOME)?.severity).toBe("warn");
    const text = await world.prodex(["doctor"]);
    expect(text.stdout).toContain(`→ chmod 600 ${auth}`);
    // The report names files, never their content.
    const token = JSON.parse(readFileSync(auth, "utf8")).tokens.access_token as string;
    expect(text.stdout + r.stdout).not.toContain(token);
  }, 60_000);

  test("auth problems: expired (refreshable), needs login, invalid auth.json, the same account twice", async () => {
    const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }, { id: "acct-c" }]);
    const w = world;
    writeAuth(home(w, "p1"), w.mock.authFile("acct-a", { expiresInSeconds: -120 }));
    edit(w, (ctx) => ctx.store.profiles.update("p2", { authState: "needs_login" }));
    writeFileSync(join(home(w, "p3"), "auth.json"), "{not json", { mode: 0o600 });
    edit(w, (ctx) => {
      const row = addProfile(ctx, { name: "twin" });
      writeAuth(row.codexHome, w.mock.authFile("acct-b"));
    });
    const r = await doctor(w, ["--offline"]);
    expect(r.code).toBe(3);
    expect(r.find("auth.expired")[0]).toMatchObject({ profile: "p1", severity: "info" });
    expect(r.find("auth.needs-login")[0]).toMatchObject({
      profile: "p2",
      severity: "error",
      fix: "prodex login -p p2",
    });
    expect(r.find("auth.invalid")[0]).toMatchObject({ profile: "p3", severity: "error" });
    expect(r.find("auth.invalid")[0]?.message).toContain("not valid JSON");
    const dup = r.find("auth.duplicate")[0];
    expect(dup?.severity).toBe("error");
    expect(dup?.message).toContain("p2, twin");
  }, 60_000);

  test("a corrupt database is reported, not a crash (exit 4)", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    // New files (rm, then write): a closed-but-not-yet-finalized SQLite handle in this process may
    // still map the old ones, and truncating a mapped file would crash the test runner.
    for (const f of ["prodex.db", "prodex.db-wal", "prodex.db-shm"])
      rmSync(join(world.env.PRODEX_HOME as string, f), { force: true });
    writeFileSync(
      join(world.env.PRODEX_HOME as string, "prodex.db"),
      "this is not a database, just text that is long enough to look like a header\n".repeat(100),
      { mode: 0o600 },
    );
    const r = await doctor(world, ["--offline"]);
    expect(r.code).toBe(4);
    const f = r.find("database.open")[0];
    expect(f?.severity).toBe("error");
    expect(f?.fix).toContain("move it aside");
    expect(r.stderr).not.toContain("    at ");
  }, 60_000);

  test("a database cut short is reported too", async () => {
    const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
    edit(world, (ctx) => {
      for (let i = 0; i < 300; i++) ctx.events.emit({ kind: "control", message: `filler ${i} ${"x".repeat(200)}` });
      ctx.store.transaction(() => {});
    });
    const db = join(world.env.PRODEX_HOME as string, "prodex.db");
    // Fold the WAL in, then cut the file mid-page.
    const sqlite = new (await import("bun:sqlite")).Database(db);
    sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite.close();
    const bytes = readFileSync(db);
    rmSync(db);
    writeFileSync(db, bytes.subarray(0, Math.floor(bytes.length / 2) + 100), { mode: 0o600 });
    const r = await doctor(world, ["--offline"]);
    expect(r.code).toBe(4);
    expect(r.report.findings.some((x) => x.area === "database" && x.severity === "error")).toBe(true);
  }, 60_000);

  test("an unreachable upstream is an error (exit 3)", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    closed.stop(true);
    const r = await doctor(world, ["--base-url", `http://127.0.0.1:${port}/backend-api`]);
    expect(r.code).toBe(3);
    expect(r.find("network.upstream")[0]).toMatchObject({ severity: "error" });
    expect(r.find("network.upstream")[0]?.message).toContain(`cannot reach http://127.0.0.1:${port}/backend-api`);
  }, 60_000);

  test("proxy env: explained with credentials hidden", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const r = await doctor(world, ["--offline"], {
      HTTPS_PROXY: "http://me:hunter2@proxy.invalid:3128",
      NO_PROXY: "corp.example",
    });
    expect(r.code).toBe(0);
    expect(r.find("env.proxy")[0]?.message).toContain("HTTPS_PROXY=http://***@proxy.invalid:3128");
    expect(r.find("env.no-proxy")).toHaveLength(1);
    expect(r.stdout).not.toContain("hunter2");
  }, 60_000);

  test("both ends of each supported range are green: the newest (bundled) and the oldest", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const { codex, claude } = SUPPORTED;
    const newest = await doctor(world, ["--offline"]);
    expect(newest.find("agents.codex")[0]).toMatchObject({
      severity: "ok",
      message: `Codex CLI ${codex.newest} (bundled; supported ${codex.oldest}–${codex.newest})`,
    });
    expect(newest.find("agents.claude")[0]).toMatchObject({
      severity: "ok",
      message: `Claude Code ${claude.newest} (bundled; supported ${claude.oldest}–${claude.newest})`,
    });
    const oldest = await doctor(world, ["--offline"], {
      PRODEX_CODEX_BIN: oldestClientBin("codex"),
      PRODEX_CLAUDE_BIN: oldestClientBin("claude"),
    });
    expect(oldest.find("agents.codex")[0]).toMatchObject({
      severity: "ok",
      message: `Codex CLI ${codex.oldest} (env; supported ${codex.oldest}–${codex.newest})`,
    });
    expect(oldest.find("agents.claude")[0]).toMatchObject({
      severity: "ok",
      message: `Claude Code ${claude.oldest} (env; supported ${claude.oldest}–${claude.newest})`,
    });
    for (const r of [newest, oldest])
      expect(r.report.findings.filter((f) => f.area === "agents" && f.severity !== "ok")).toEqual([]);
  }, 60_000);

  test("an agent older than the supported range is a warning naming the range and the fix", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const { f, fake } = await doctorWithCodex(world, "0.100.0");
    expect(f).toMatchObject({ severity: "warn", path: fake });
    expect(f?.message).toBe(
      `Codex CLI 0.100.0 (env) is older than prodex supports (${SUPPORTED.codex.oldest}–${SUPPORTED.codex.newest})`,
    );
    expect(f?.fix).toContain(`@openai/codex@${SUPPORTED.codex.newest}`);
    // Probed once, then cached by path + size + mtime.
    expect(readFileSync(join(world.env.PRODEX_HOME as string, "cache", "agent-versions.json"), "utf8")).toContain(
      "0.100.0",
    );
  }, 60_000);

  test("stale runtime logs and dead registrations point at prodex cleanup", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const logs = world.env.PRODEX_RUNTIME_LOG_DIR as string;
    mkdirSync(logs, { recursive: true });
    const old = join(logs, "prodex-runtime-2020-01-01T00-00-00-000Z-999999.log");
    writeFileSync(old, "old\n");
    utimesSync(old, new Date("2020-01-01"), new Date("2020-01-01"));
    edit(world, (ctx) =>
      ctx.store.runtimes.register({
        id: "serve:dead",
        kind: "serve",
        pid: 2_147_483_000,
        url: "http://127.0.0.1:1",
        upstream: "u",
        secretPath: null,
      }),
    );
    const r = await doctor(world, ["--offline"]);
    expect(r.code).toBe(0);
    expect(r.find("logs.stale")[0]).toMatchObject({ severity: "info", fix: "prodex cleanup" });
    expect(r.find("logs.dead-runtimes")[0]).toMatchObject({ severity: "warn", fix: "prodex cleanup" });
  }, 60_000);

  test("a newer agent than tested is a warning that names the range and never just says downgrade", async () => {
    const { f } = await doctorWithCodex(await openEnv([{ id: "acct-a" }]), "9.0.0");
    expect(f?.severity).toBe("warn");
    expect(f?.message).toContain(`newer than prodex has tested (${SUPPORTED.codex.oldest}–${SUPPORTED.codex.newest})`);
    expect(f?.fix).toStartWith("if something misbehaves");
  }, 60_000);
});

import { describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// docs/exit-codes.md, one case per code: 0 ok, 1 usage, 2 no ready profile, 3 upstream/auth,
// 4 local state, 130 interrupted, and the child's own code for run/exec.

const openEnv = useCliEnvs();

function oneLine(stderr: string): void {
  expect(stderr).not.toContain("    at ");
  expect(stderr.trim().length).toBeGreaterThan(0);
}

async function closedPort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const port = s.port as number;
  s.stop(true);
  return port;
}

describe("exit codes", () => {
  test("0: success", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    expect((await world.prodex(["profile", "list"])).code).toBe(0);
    expect((await world.prodex(["quota", "--json"])).code).toBe(0);
  }, 60_000);

  test.each([
    [["quota", "--bogus"], "unknown option"],
    [["quota", "-p", "nosuch"], 'no profile named "nosuch"'],
    [["serve", "--port", "99999"], "--port must be"],
    [["logs", "--lines", "many"], "--lines must be"],
    [["demo", "--prompts", "0"], "--prompts must be"],
  ])(
    "1: usage error %j",
    async (args, text) => {
      const world = await openEnv([{ id: "acct-a" }]);
      const r = await world.prodex(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(text);
      oneLine(r.stderr);
    },
    60_000,
  );

  test("2: no profile can serve", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 900 } }]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no profile can serve now");
    oneLine(r.stderr);
  }, 60_000);

  test("3: upstream unreachable", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const r = await world.prodex([
      "quota",
      "--json",
      "--base-url",
      `http://127.0.0.1:${await closedPort()}/backend-api`,
    ]);
    expect(r.code).toBe(3);
  }, 60_000);

  test("4: the database is unusable", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const home = world.env.PRODEX_HOME as string;
    for (const f of ["prodex.db", "prodex.db-wal", "prodex.db-shm"]) rmSync(join(home, f), { force: true });
    writeFileSync(join(home, "prodex.db"), "garbage ".repeat(1000));
    const r = await world.prodex(["profile", "list"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("unreadable or corrupt");
    oneLine(r.stderr);
  }, 60_000);

  test("130: interrupted", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const ctx = new Context({ env: world.env, source: "test-setup" });
    ctx.events.emit({ kind: "control", message: "ready" });
    ctx.close();
    const tail = startProdex(["logs", "--follow", "-n", "1"], world.env);
    await tail.firstLine;
    tail.proc.kill("SIGINT");
    expect(await tail.exit()).toBe(130);
  }, 60_000);

  test("run/exec: the agent's own exit code", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const fake = join(world.dir, "fake-codex");
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = --version ] && { echo codex-cli 0.169.0; exit 0; }\nexit 7\n', {
      mode: 0o755,
    });
    const r = await world.prodex(["exec", "--quiet", "say hi"], { env: { PRODEX_CODEX_BIN: fake } });
    expect(r.code).toBe(7);
    expect(r.stderr).toBe("");
  }, 60_000);
});

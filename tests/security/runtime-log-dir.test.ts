import { describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// Runtime logs default to a folder of the user's own (PRODEX_HOME/logs, 0700), not the shared
// TMPDIR where another local user could plant `prodex-runtime-latest.path` and the log it names;
// and `prodex logs --runtime` never follows a pointer or a log that is not the user's own file.

const openEnv = useCliEnvs();

/** The world's env without PRODEX_RUNTIME_LOG_DIR: the default decides. */
function defaults(env: Record<string, string>): Record<string, string> {
  const { PRODEX_RUNTIME_LOG_DIR: _, ...rest } = env;
  return rest;
}

describe("runtime log folder", () => {
  test("by default under PRODEX_HOME/logs, 0700, and nothing in TMPDIR", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const env = defaults(world.env);
    const serving = startProdex(["serve", "--json"], env);
    await serving.firstLine;
    serving.proc.kill("SIGTERM");
    expect(await serving.exit(15_000), serving.stderr()).toBe(0);
    const logs = join(env.PRODEX_HOME as string, "logs");
    expect(statSync(logs).mode & 0o777).toBe(0o700);
    const pointer = join(logs, "prodex-runtime-latest.path");
    expect(readFileSync(pointer, "utf8").trim()).toStartWith(join(logs, "prodex-runtime-"));
    expect(readdirSync(env.TMPDIR as string).filter((n) => n.startsWith("prodex-runtime"))).toEqual([]);
    const r = await world.prodex(["logs", "--runtime", "-n", "1"], { env: { PRODEX_RUNTIME_LOG_DIR: "" } });
    expect(r.code, failure(r)).toBe(0);
  }, 30_000);

  test("a planted pointer or log (a symlink, not the user's own file) is named, not followed", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const dir = world.env.PRODEX_RUNTIME_LOG_DIR as string;
    mkdirSync(dir, { recursive: true });
    const elsewhere = join(world.dir, "planted");
    mkdirSync(elsewhere);
    const planted = join(elsewhere, "prodex-runtime-evil.log");
    writeFileSync(planted, "\u001b]0;planted\u0007 a line the attacker chose\n");
    const pointer = join(dir, "prodex-runtime-latest.path");

    writeFileSync(join(elsewhere, "pointer"), `${planted}\n`);
    symlinkSync(join(elsewhere, "pointer"), pointer);
    const viaPointer = await world.prodex(["logs", "--runtime"]);
    expect(viaPointer.code).toBe(1);
    expect(viaPointer.stdout).toBe("");
    expect(viaPointer.stderr.split("\n")[0]).toBe(
      `prodex: not following the runtime-log pointer ${pointer}: it is a symbolic link`,
    );

    // The pointer is a plain file, but the log it names is a symlink to the planted one.
    const link = join(dir, "prodex-runtime-link.log");
    symlinkSync(planted, link);
    Bun.spawnSync(["rm", pointer]);
    writeFileSync(pointer, `${link}\n`);
    const viaLog = await world.prodex(["logs", "--runtime"]);
    expect(viaLog.code).toBe(1);
    expect(viaLog.stdout).toBe("");
    expect(viaLog.stderr).toContain(`not reading the runtime log ${link}`);

    // serve replaces a planted pointer (it never writes through it) and logs --runtime reads its own log.
    Bun.spawnSync(["rm", pointer]);
    symlinkSync(join(elsewhere, "pointer"), pointer);
    const serving = startProdex(["serve", "--json"], world.env);
    await serving.firstLine;
    serving.proc.kill("SIGTERM");
    expect(await serving.exit(15_000), serving.stderr()).toBe(0);
    expect(lstatSync(pointer).isFile()).toBe(true);
    expect(readFileSync(join(elsewhere, "pointer"), "utf8")).toBe(`${planted}\n`);
    const own = await world.prodex(["logs", "--runtime", "-n", "1"]);
    expect(own.code, failure(own)).toBe(0);
    expect(own.stdout).not.toContain("attacker");
  }, 45_000);
});

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { CLI, type CliEnv, cliEnv } from "@prodex/testkit/cli-env";
import { ptyScreen } from "@prodex/testkit/pty-screen";

// `prodex demo --headless`: the simulated pool, the real Codex CLI, a rotation — and the user's
// own PRODEX_HOME never touched.

let world: CliEnv | null = null;

/** Everything the demo could have written into the user's own PRODEX_HOME. */
function pool(w: CliEnv) {
  const ctx = new Context({ env: w.env, source: "test-read" });
  try {
    const s = ctx.store;
    return {
      profiles: s.profiles.list(),
      events: s.events.list({ limit: 100_000 }),
      usage: s.profiles.list().map((p) => s.usage.history(p.id, 0, 100_000)),
      runtimes: s.runtimes.list(),
      homes: readdirSync(join(w.env.PRODEX_HOME as string, "profiles")),
      logs: existsSync(w.env.PRODEX_RUNTIME_LOG_DIR as string)
        ? readdirSync(w.env.PRODEX_RUNTIME_LOG_DIR as string)
        : [],
    };
  } finally {
    ctx.close();
  }
}
afterEach(async () => {
  await world?.close();
  world = null;
});

describe("prodex demo", () => {
  test("five prompts: alice runs out, the pool moves to bob, stdout holds only the answers", async () => {
    world = await cliEnv([{ id: "acct-mine" }]);
    const tmp = world.env.TMPDIR as string;
    const before = pool(world);

    const r = await world.prodex(["demo", "--headless", "--prompts", "5"], { timeoutMs: 110_000 });
    expect(r.code, r.stderr).toBe(0);
    const answers = r.stdout.trim().split("\n");
    expect(answers).toHaveLength(5);
    for (const a of answers) expect(a).toContain("simulated ChatGPT account");
    expect(r.stderr).toContain("answered by alice");
    expect(r.stderr).toMatch(/now serving from (bob|carol) \(was alice\)/);
    expect(r.stderr).toMatch(/answered by (bob|carol)/);
    expect(r.stderr).toContain("Codex never saw a limit error");

    // The user's pool is exactly as it was, and the demo's temporary home is gone.
    expect(pool(world)).toEqual(before);
    expect(readdirSync(tmp).filter((n) => n.startsWith("prodex-demo-"))).toEqual([]);
  }, 120_000);

  test("--quiet leaves only the answers", async () => {
    world = await cliEnv([]);
    const r = await world.prodex(["demo", "--prompts", "1", "--quiet"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toBe("");
  }, 90_000);
});

describe("prodex demo on a terminal", () => {
  test("opens the dashboard around the real Codex: typed prompts run alice out and the panel shows the move", async () => {
    world = await cliEnv([]);
    const { PRODEX_TUI: _, ...env } = world.env;
    const tmp = world.env.TMPDIR as string;
    // Tall enough that all four answers stay on screen.
    const pty = await ptyScreen(["bun", CLI, "demo"], { env, cwd: world.env.HOME as string, rows: 70 });
    try {
      let seen = await pty.waitFor(/Ask Codex to do anything/, 45_000);
      expect(seen).toMatch(/serving alice/);
      expect(seen).toMatch(/bob/);
      expect(seen).toMatch(/carol/);
      for (let i = 1; i <= 4; i++) {
        pty.type("say hi");
        await Bun.sleep(300);
        pty.type("\r");
        seen = await pty.waitFor(new RegExp(`(Hello from a simulated[\\s\\S]*){${i}}`), 30_000);
      }
      seen = await pty.waitFor(/serving (bob|carol)/, 10_000);
      expect(seen).toMatch(/alice\s+\S+ Exhausted/);
      pty.type("/quit");
      await Bun.sleep(300);
      pty.type("\r");
      expect(await Promise.race([pty.exited, Bun.sleep(20_000).then(() => -1)])).toBe(0);
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- last screen\n${await pty.screen()}`,
      );
    } finally {
      await pty.kill();
    }
    expect(readdirSync(tmp).filter((n) => n.startsWith("prodex-demo-"))).toEqual([]);
  }, 120_000);
});

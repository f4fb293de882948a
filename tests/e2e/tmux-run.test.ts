import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, REPO, type CliEnv, useCliEnvs } from "@prodex/testkit/cli-env";

// What a newcomer sees, driven the way they would: `prodex run` under tmux (its own server on a
// private socket), the real Codex CLI in the left pane, the pool on the right. The serving
// account runs out mid-session; the panel shows the move while Codex's answer appears.
// The last screen is saved as a test artifact (.artifacts/screens/, or PRODEX_TEST_ARTIFACTS).

const openEnv = useCliEnvs();

type Tmux = { capture(): string; keys(text: string): void; enter(): void; waitFor(pattern: RegExp, ms: number): Promise<string>; kill(): void };

function tmuxRun(world: CliEnv, command: string): Tmux {
  const sock = join(world.dir, "tmux.sock");
  const env = { ...world.env, PRODEX_TUI: "1", TERM: "xterm-256color", LANG: "C.UTF-8" };
  const tmux = (...args: string[]) => {
    const r = Bun.spawnSync(["tmux", "-S", sock, ...args], { env, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr.toString().trim()}`);
    return r.stdout.toString();
  };
  tmux("new-session", "-d", "-x", "160", "-y", "45", "-c", world.env.HOME as string, command);
  const capture = () => tmux("capture-pane", "-p", "-J");
  return {
    capture,
    keys: (text) => void tmux("send-keys", "-l", text),
    enter: () => void tmux("send-keys", "Enter"),
    async waitFor(pattern, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const screen = capture();
        if (pattern.test(screen)) return screen;
        if (Date.now() > end) throw new Error(`the screen never showed ${pattern} within ${ms} ms; last screen:\n${screen}`);
        await Bun.sleep(200);
      }
    },
    kill: () => {
      Bun.spawnSync(["tmux", "-S", sock, "kill-server"], { env });
    },
  };
}

function saveScreen(name: string, screen: string): string {
  const dir = process.env.PRODEX_TEST_ARTIFACTS ?? join(REPO, ".artifacts", "screens");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, `${screen}\n`);
  return path;
}

describe("prodex run under tmux", () => {
  test("Codex on the left, the pool on the right; the account runs out mid-session and the panel shows the move", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }, { id: "acct-b", primary: { usedPercent: 30 } }]);
    const t = tmuxRun(world, `bun ${CLI} run`);
    let screen = "";
    try {
      // Codex's own first-run question for this folder, answered as a user would.
      screen = await t.waitFor(/Trust this folder\?|Ask Codex to do anything/, 60_000);
      expect(screen).toMatch(/│ prodex · codex/);
      expect(screen).toMatch(/serving p1/);
      if (/Trust this folder\?/.test(screen)) t.enter();
      await t.waitFor(/Ask Codex to do anything/, 30_000);

      t.keys("say hi");
      await Bun.sleep(300);
      t.enter();
      screen = await t.waitFor(/hi from mock/, 45_000);
      expect(world.mock.requests({ path: "/backend-api/codex/responses" }).filter((q) => q.status === 200).map((q) => q.accountId)).toContain("acct-a");

      // p1's account hits its usage limit: the next turn moves to p2 before Codex sees anything.
      world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
      t.keys("say hi again");
      await Bun.sleep(300);
      t.enter();
      screen = await t.waitFor(/(hi from mock[\s\S]*){2}/, 45_000);
      screen = await t.waitFor(/serving p2/, 10_000);
      expect(screen).toMatch(/p1 → p2: usage limit/);
      // Codex's pane (left of the divider) shows both answers and nothing of the limit.
      const codexPane = screen
        .split("\n")
        .map((l) => l.split("│")[0] ?? "")
        .join("\n");
      expect(codexPane).toMatch(/say hi again[\s\S]*hi from mock/);
      expect(codexPane).not.toMatch(/usage limit|429|rate limit/i);
      const served = world.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId}:${q.status}`);
      expect(served).toContain("acct-a:429");
      expect(served).toContain("acct-b:200");
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- last screen\n${t.capture()}`);
    } finally {
      saveScreen("tmux-prodex-run", t.capture());
      t.kill();
    }
  }, 180_000);
});

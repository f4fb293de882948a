import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { strayModesIn } from "@prodex/testkit/stray-modes";
import { CLAUDE_INPUT_READY } from "@prodex/testkit/claude-screen";
import { CLI, type CliEnv, useCliEnvs } from "@prodex/testkit/cli-env";
import { type Tmux, saveScreen, session, tmuxRun } from "@prodex/testkit/tmux-session";

// What a newcomer sees, driven the way they would: `prodex run` / `prodex claude` under tmux (its
// own server on a private socket), the real agent in the left pane, the pool on the right. The
// serving account runs out mid-session; the panel shows the move while the agent's answer
// appears. Then the terminal is resized, the prefix keys are used, and quitting must leave the
// terminal as it was (every byte the pane received is recorded and checked for stray modes).
// The last screens are saved as test artifacts (.artifacts/screens/, or PRODEX_TEST_ARTIFACTS).

const openEnv = useCliEnvs();

/** The agent's pane: what is left of the divider. */
const paneOf = (screen: string) =>
  screen
    .split("\n")
    .map((l) => l.split("│")[0] ?? "")
    .join("\n");

/** acct-a was refused with its limit and acct-b served: the move happened upstream of the agent. */
function expectMoved(world: CliEnv): void {
  const served = world.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId}:${q.status}`);
  expect(served).toContain("acct-a:429");
  expect(served).toContain("acct-b:200");
}

/** Narrow, wide again, the help overlay, the pool view, the usage view, then quit through the prefix menu. */
async function dashboardTour(t: Tmux, agent: string, ready: RegExp): Promise<void> {
  // 80 columns: the panel folds into the strip on the bottom line; the agent gets the width.
  t.resize(80, 45);
  let screen = await t.waitFor(/prodex ▸ p2 ● Ready/, 15_000, /│ prodex · /);
  expect(screen.split("\n").filter(Boolean).at(-1)).toMatch(/^prodex ▸ p2/);
  await t.waitFor(ready, 15_000);
  t.resize(160, 45);
  screen = await t.waitFor(new RegExp(`│ prodex · ${agent}`), 15_000);
  expect(screen).toMatch(/serving p2/);

  t.key("C-]");
  t.keys("?");
  // tmux draws as bytes arrive (it does not hold synchronized updates), so wait for the whole box.
  screen = await t.waitFor(/prodex keys[\s\S]*send Ctrl-\] itself to the agent[\s\S]*Any key closes this/, 10_000);
  expect(screen).toContain("Everything else goes to the agent untouched.");
  t.keys("x");
  await t.waitFor(ready, 10_000, /prodex keys/);

  t.key("C-]");
  t.keys("d");
  screen = await t.waitFor(/prodex pool · 2 profiles[\s\S]*p1 → p2/, 10_000);
  t.key("Escape");
  await t.waitFor(new RegExp(`│ prodex · ${agent}`), 10_000);

  // The usage view: what this session's requests were, per profile and model, from the ledger.
  t.key("C-]");
  t.keys("u");
  screen = await t.waitFor(/prodex usage · last hour · [1-9]\d* req[\s\S]*─ by profile[\s\S]*\n {2}p2 /, 10_000);
  expect(screen).toMatch(/─ by model/);
  t.key("Escape");
  await t.waitFor(new RegExp(`│ prodex · ${agent}`), 10_000);

  t.key("C-]");
  t.keys("q");
  await t.waitFor(new RegExp(`Quit ${agent}\\?`), 10_000);
  t.keys("y");
  await t.waitFor(/PRODEX EXITED \d+/, 20_000);
  // The terminal is as it was: tmux's own view of the pane, and every byte it was sent.
  expect(t.flag("alternate_on")).toBe("0");
  expect(t.flag("cursor_flag")).toBe("1");
  expect(t.flag("mouse_any_flag")).toBe("0");
  expect(t.flag("keypad_cursor_flag")).toBe("0");
  expect(strayModesIn(t.received())).toEqual([]);
}

describe("the dashboard under tmux with the real agents", () => {
  test("Codex on the left, the pool on the right; the account runs out mid-session and the panel shows the move", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 30 } },
    ]);
    const t = tmuxRun(world, `bun ${CLI} run`);
    let screen = "";
    await session(t, "tmux-prodex-run", async () => {
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
      expect(
        world.mock
          .requests({ path: "/backend-api/codex/responses" })
          .filter((q) => q.status === 200)
          .map((q) => q.accountId),
      ).toContain("acct-a");

      // p1's account hits its usage limit: the next turn moves to p2 before Codex sees anything.
      world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
      t.keys("say hi again");
      await Bun.sleep(300);
      t.enter();
      screen = await t.waitFor(/(hi from mock[\s\S]*){2}/, 45_000);
      screen = await t.waitFor(/serving p2/, 10_000);
      expect(screen).toMatch(/p1 → p2: usage limit/);
      // Codex's pane (left of the divider) shows both answers and nothing of the limit.
      const codexPane = paneOf(screen);
      expect(codexPane).toMatch(/say hi again[\s\S]*hi from mock/);
      expect(codexPane).not.toMatch(/usage limit|429|rate limit/i);
      expectMoved(world);
      saveScreen("tmux-prodex-run", screen);

      await dashboardTour(t, "codex", /Ask Codex to do anything|Codex/);
    });
  }, 240_000);

  test("Claude Code in the pane: the answer on screen, a rotation in the panel, never an error in the pane", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 30 } },
    ]);
    const home = world.env.HOME as string;
    // A user who has been through Claude Code's onboarding and trusts this folder.
    writeFileSync(
      join(home, ".claude.json"),
      JSON.stringify({ hasCompletedOnboarding: true, projects: { [home]: { hasTrustDialogAccepted: true } } }),
    );
    const t = tmuxRun(world, `bun ${CLI} claude`);
    let screen = "";
    await session(t, "tmux-prodex-claude", async () => {
      screen = await t.waitFor(CLAUDE_INPUT_READY, 60_000);
      expect(screen).toMatch(/│ prodex · claude/);
      t.keys("say hi");
      await Bun.sleep(400);
      t.enter();
      await t.waitFor(/hi from mock/, 45_000);

      world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
      t.keys("say hi again");
      await Bun.sleep(400);
      t.enter();
      screen = await t.waitFor(/(hi from mock[\s\S]*){2}/, 45_000);
      screen = await t.waitFor(/p1 → p2: usage limit/, 10_000);
      const claudePane = paneOf(screen);
      expect(claudePane).not.toMatch(/usage limit|429|rate limit|API Error/i);
      expectMoved(world);
      saveScreen("tmux-prodex-claude", screen);

      await dashboardTour(t, "claude", CLAUDE_INPUT_READY);
    });
  }, 240_000);
});

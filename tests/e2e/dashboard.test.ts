import { afterEach, describe, expect, test } from "bun:test";
import { Context } from "@prodex/core";
import { CLI, type CliEnv, failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { type PtyScreen, ptyScreen } from "@prodex/testkit/pty-screen";

// `prodex dashboard` on a real pseudo-terminal: the pool view alone, attached to the running
// broker when there is one, else to the store; and one clear line without a terminal.

const openEnv = useCliEnvs();

const screens: PtyScreen[] = [];
afterEach(async () => {
  for (const s of screens.splice(0)) await s.kill();
});

async function dashboard(world: CliEnv, args = ["dashboard"]): Promise<PtyScreen> {
  const screen = await ptyScreen(["bun", CLI, ...args], {
    env: { ...world.env, PRODEX_TUI: "1", LANG: "C.UTF-8" },
    cwd: world.env.HOME as string,
    cols: 140,
    rows: 40,
  });
  screens.push(screen);
  return screen;
}

const literal = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

/** Runs `body` with a shared broker of `world` up and registered (a Context on the store beside it), then ends it. */
async function withBroker(
  world: CliEnv,
  body: (ctx: Context, broker: { pid: number }) => Promise<void>,
): Promise<void> {
  const broker = Bun.spawn(["bun", CLI, "__broker", "--upstream", world.mock.baseUrl], {
    env: { ...world.env, PRODEX_BROKER_GRACE_MS: "60000" },
    stdout: "ignore",
    stderr: "ignore",
  });
  const ctx = new Context({ env: world.env, source: "test" });
  try {
    const end = Date.now() + 20_000;
    while (!ctx.store.runtimes.list().some((r) => r.kind === "broker" && r.pid === broker.pid)) {
      if (Date.now() > end) throw new Error("the broker did not register");
      await Bun.sleep(50);
    }
    await body(ctx, broker);
  } finally {
    ctx.close();
    broker.kill("SIGTERM");
    await broker.exited;
  }
}

describe("prodex dashboard", () => {
  test("no proxy running: the stored profiles and the timeline; pin says why it cannot; s pauses", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 30 } },
      { id: "acct-b", primary: { usedPercent: 70 } },
    ]);
    const quota = await world.prodex(["quota", "--all", "--json"]);
    expect(quota.code, failure(quota)).toBe(0);
    const screen = await dashboard(world);
    await screen.waitFor(literal("no proxy running · stored quota · next launch starts on p1"), 20_000);
    await screen.waitFor(literal("p2"), 20_000);
    // Another prodex process writes to the timeline: it shows up.
    const other = new Context({ env: world.env, source: "another-prodex" });
    other.events.emit({ kind: "rotation", profile: "p2", message: "p1 → p2: a test rotation" });
    other.close();
    await screen.waitFor(literal("p1 → p2: a test rotation"), 20_000);
    screen.type("p");
    await screen.waitFor(literal("no prodex proxy running: pin and auto-rotate act on a live pool"), 20_000);
    // A pause is the profile's, stored: it needs no proxy, and the next launch honours it.
    screen.type("s");
    await screen.waitFor(literal("paused p1: no new conversation goes to it"), 20_000);
    await screen.waitFor(literal("Paused"), 20_000);
    const after = await world.prodex(["quota", "--all", "--json"]);
    expect(after.stdout).toContain('"state":"paused"');
    screen.type("q");
    expect(await screen.exited).toBe(0);
  }, 60_000);

  test("a broker running: attached to it, pin and pause reach the live pool", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 30 } },
      { id: "acct-b", primary: { usedPercent: 70 } },
    ]);
    await withBroker(world, async (ctx) => {
      const screen = await dashboard(world);
      await screen.waitFor(literal("p1"), 20_000);
      expect(await screen.screen()).not.toContain("no proxy running");
      screen.type("j");
      screen.type("p");
      await screen.waitFor(literal("pinned p2"), 20_000);
      // The broker itself recorded the pin: it reached the running pool, not the screen alone.
      const until = Date.now() + 10_000;
      const pinnedByBroker = () =>
        ctx.store.events
          .list({ limit: 50 })
          .some((e) => e.kind === "control" && e.message === "pinned p2" && e.source !== "test");
      while (!pinnedByBroker() && Date.now() < until) await Bun.sleep(50);
      expect(pinnedByBroker()).toBe(true);
      // s pauses the selected (pinned) account in the broker's pool: real Codex's new conversation goes to the other.
      screen.type("s");
      await screen.waitFor(literal("paused p2: no new conversation goes to it"), 20_000);
      await screen.waitFor(literal("Paused"), 20_000);
      const before = world.mock.accounts().find((a) => a.id === "acct-b")?.counters.requests ?? 0;
      const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
      expect(r.code, failure(r)).toBe(0);
      expect(world.mock.accounts().find((a) => a.id === "acct-b")?.counters.requests).toBe(before);
      expect(world.mock.accounts().find((a) => a.id === "acct-a")?.counters.requests).toBeGreaterThan(0);
      screen.type("q");
      expect(await screen.exited).toBe(0);
    });
  }, 60_000);

  test("usage view (t): per profile and model, live, the totals the mock served through the broker", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    await withBroker(world, async (ctx, broker) => {
      const screen = await dashboard(world);
      await screen.waitFor(literal("p1"), 20_000);
      screen.type("t");
      await screen.waitFor(/prodex usage · last hour · 0 req/, 20_000);
      // Real Codex through the broker the dashboard is attached to; the dashboard is not restarted.
      for (const prompt of ["say hi", "say hi again"]) {
        const r = await world.prodex(["exec", "--skip-git-repo-check", prompt]);
        expect(r.code, failure(r)).toBe(0);
        expect(r.stdout).toContain("hi from mock");
      }
      const served = world.mock
        .accounts()
        .map((a) => ({ profile: a.id === "acct-a" ? "p1" : "p2", requests: a.counters.requests }))
        .filter((a) => a.requests > 0);
      const total = served.reduce((n, a) => n + a.requests, 0);
      expect(total).toBeGreaterThanOrEqual(2);
      const text = await screen.waitFor(literal(`prodex usage · last hour · ${total} req · 0 err`), 20_000);
      // Every request went through the broker (its ledger rows name it), not a proxy of the launch's own.
      expect(new Set(ctx.store.ledger.since(0).map((r) => r.instance))).toEqual(new Set([`broker:${broker.pid}`]));
      const lines = text.split("\n");
      const section = (title: string) => {
        const start = lines.findIndex((l) => l.startsWith(`─ ${title}`));
        const rows: Record<string, number> = {};
        for (const l of lines.slice(start + 2)) {
          const m = /^ {2}(\S+)\s+(\d+)\s+0\s/.exec(l);
          if (!m) break;
          rows[m[1] as string] = Number(m[2]);
        }
        return rows;
      };
      // Per profile: each account's count as the mock kept it.
      expect(section("by profile")).toEqual(Object.fromEntries(served.map((a) => [a.profile, a.requests])));
      // Per model: the ledger's own grouping, adding up to what the mock served.
      const byModel = JSON.parse((await world.prodex(["usage", "--by", "model", "--json"])).stdout) as {
        groups: { group: string; requests: number }[];
      };
      const models = section("by model");
      expect(models).toEqual(Object.fromEntries(byModel.groups.map((g) => [g.group, g.requests])));
      expect(Object.values(models).reduce((n, x) => n + x, 0)).toBe(total);
      // The week holds the same; t goes back to the pool.
      screen.type("3");
      await screen.waitFor(literal(`prodex usage · last 7 days · ${total} req`), 20_000);
      screen.type("t");
      await screen.waitFor(literal("prodex pool · 2 profiles"), 20_000);
      screen.type("q");
      expect(await screen.exited).toBe(0);
    });
  }, 120_000);

  test("without a terminal: one line saying what to use instead, exit 1", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    for (const args of [["dashboard"], ["status"]]) {
      const r = await world.prodex(args, { env: { PRODEX_TUI: "1" } });
      expect(r.code, failure(r)).toBe(1);
      expect(r.stderr).toContain("prodex dashboard needs an interactive terminal");
      expect(r.stderr).toContain("prodex info --json");
      expect(r.stderr).not.toContain("    at ");
      expect(r.stdout).toBe("");
    }
  }, 60_000);

  test("prodex quota on a terminal draws the dashboard's table, refreshing until Ctrl-C", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 30 } },
      { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 3000 } },
    ]);
    const screen = await dashboard(world, ["quota", "--all"]);
    await screen.waitFor(literal("refreshing every 5s"), 20_000);
    const text = await screen.screen();
    // The dashboard's table: the same columns as the pipe table (the quota row model's), drawn with badges and bars.
    expect(text).toMatch(/PROFILE\s+STATUS\s+5H USED\s+WEEKLY USED/);
    expect(text).toContain("Ready");
    expect(text).toContain("Exhausted");
    expect(text).toContain("█");
    screen.type("\x03");
    expect(await screen.exited).not.toBe(0);
  }, 60_000);
});

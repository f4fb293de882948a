import { beforeAll, describe, expect, test } from "bun:test";
import { CLI, type RunResult, failure, runToEnd } from "@prodex/testkit/cli-env";
import { useGatewayE2e } from "@prodex/testkit/gateway-e2e";
import { type ServedGateway, codexTurn, laptopEnv } from "@prodex/testkit/gateway-serve";
import { type Tmux, saveScreen, session, tmuxRun } from "@prodex/testkit/tmux-session";

// The team dashboard as an operator sees it: `prodex dashboard --gateway A` under tmux, attached to instance A of
// two `prodex gateway serve` instances on one real PostgreSQL, the mock ChatGPT upstream behind them. A rotation
// made by instance B shows on the screen within a second; a pause pressed on the dashboard holds instance B on its
// account; an account paused from the keyboard gets no new conversation from B; a key revoked from the keyboard
// (after its confirmation) gets 401 on its next request. A viewer key sees the same screen and is told why it cannot
// change anything; a user key, a wrong key or a gateway that does not answer is one line and a non-zero exit.

const gw = useGatewayE2e({ name: "team-dashboard", accounts: [{ id: "acct-a" }, { id: "acct-b" }, { id: "acct-c" }] });
const keys: Record<string, string> = {};

function run(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return runToEnd(["bun", CLI, ...args], { env, timeoutMs });
}

/** An operator's laptop (a home of its own, the gateway key in the env). */
const operatorEnv = (name: string, key: string) => laptopEnv(gw.dir, name, key);

const inference = () => gw.mock.requests({ path: "/backend-api/codex/responses" });

beforeAll(async () => {
  for (const [name, role] of [
    ["lead", "admin"],
    ["watch", "viewer"],
    ["dev-1", "user"],
    ["dev-2", "user"],
  ]) {
    const r = await run(["gateway", "key", "create", name as string, "--role", role as string, "--json"], gw.server);
    expect(r.code, failure(r)).toBe(0);
    keys[name as string] = (JSON.parse(r.stdout) as { key: string }).key;
  }
  await gw.serve();
  await gw.serve();
}, 120_000);

/** Polls the screen every 20 ms: how long until it shows `pattern` (Infinity when not within `ms`). */
async function timeUntil(t: Tmux, pattern: RegExp, ms: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (pattern.test(t.capture())) return performance.now() - t0;
    await Bun.sleep(20);
  }
  return Number.POSITIVE_INFINITY;
}

const key = (name: string) => keys[name] as string;

describe("prodex dashboard --gateway", () => {
  test("a user key, a wrong key, an unreachable gateway: one line each, non-zero, no stack", async () => {
    const [a] = gw.instances as [ServedGateway];
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const nowhere = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        operatorEnv("dev", key("dev-1")),
        a.url,
        /the key "dev-1" is a user key: the team dashboard needs an admin or viewer key/,
      ],
      [operatorEnv("typo", "pdxgw_not-a-key"), a.url, /does not know this key \(unknown or revoked\)/],
      [operatorEnv("away", key("lead")), nowhere, /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/],
      [{ ...operatorEnv("nokey", ""), PRODEX_GATEWAY_KEY: "" }, a.url, /no gateway key for http/],
    ];
    for (const [env, url, said] of cases) {
      const t0 = performance.now();
      const r = await run(["dashboard", "--gateway", url], env, 20_000);
      expect(r.code, failure(r)).toBe(1);
      expect(r.stderr).toMatch(said);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(performance.now() - t0).toBeLessThan(15_000);
    }
  }, 90_000);

  test("admin: B's rotation within a second, a pause B honours, an account paused, a revoke with confirmation", async () => {
    const [a, b] = gw.instances as [ServedGateway, ServedGateway];
    // Some usage for the top keys, through B.
    expect((await codexTurn(b.url, key("dev-1"))).status).toBe(200);
    expect((await codexTurn(b.url, key("dev-2"))).status).toBe(200);
    const lead = operatorEnv("lead", key("lead"));
    const t = tmuxRun({ dir: lead.HOME as string, env: lead }, `bun ${CLI} dashboard --gateway ${a.url}`, {
      cols: 160,
      rows: 50,
    });
    await session(t, "team-dashboard-admin", async () => {
      let screen = await t.waitFor(/prodex team http:\/\/127\.0\.0\.1/, 20_000);
      screen = await t.waitFor(
        /instances · 2[\s\S]*top keys · last hour[\s\S]*dev-1[\s\S]*top keys · last day/,
        10_000,
      );
      for (const i of gw.instances) expect(screen).toMatch(new RegExp(`${i.instance}\\s+ready\\s+beat \\d+s ago`));
      expect(screen).toMatch(/acct-a[\s\S]*acct-b[\s\S]*acct-c/);
      expect(screen).toContain("x revoke");

      // B's serving account runs out; B rotates; the dashboard on A shows it within a second.
      const served = inference().at(-1)?.accountId ?? "";
      gw.mock.exhaust(served, 3_600);
      await Bun.sleep(500);
      expect((await codexTurn(b.url, key("dev-1"))).status).toBe(200);
      const to = inference().at(-1)?.accountId ?? "";
      expect(to).not.toBe(served);
      const shown = await timeUntil(t, new RegExp(`now serving from ${to} \\(was ${served}\\)`), 3_000);
      expect(shown).toBeLessThan(1_000);

      // Pause rotation from the keyboard: B stays on its account when it runs out, instead of moving.
      t.keys("a");
      await t.waitFor(/auto-rotate paused/, 5_000);
      await t.waitFor(/key lead: pool\.paused pool/, 5_000);
      await t.waitFor(/paused/, 5_000);
      await Bun.sleep(300); // the notification reaches B
      gw.mock.exhaust(to, 3_600);
      const before = inference().length;
      expect((await codexTurn(b.url, key("dev-1"))).status).not.toBe(200);
      expect(
        new Set(
          inference()
            .slice(before)
            .map((r) => r.accountId),
        ),
      ).toEqual(new Set([to]));
      // Resumed, B moves to the account left.
      t.keys("a");
      await t.waitFor(/auto-rotate resumed/, 5_000);
      await Bun.sleep(300);
      expect((await codexTurn(b.url, key("dev-1"))).status).toBe(200);
      const third = ["acct-a", "acct-b", "acct-c"].find((x) => x !== served && x !== to);
      expect(inference().at(-1)?.accountId).toBe(third);

      // Pause the account left (select it, s): B gives it no new conversation; with the other two at their limit
      // the next request is the pool's answer naming the pause, at once. s again resumes it.
      const row = ["acct-a", "acct-b", "acct-c"].indexOf(third ?? "");
      t.keys("j".repeat(row));
      await Bun.sleep(150);
      t.keys("s");
      await t.waitFor(new RegExp(`paused ${third}: no new conversation goes to it`), 5_000);
      await t.waitFor(new RegExp(`key lead: account\\.paused ${third}`), 5_000);
      await t.waitFor(/Paused/, 5_000);
      await Bun.sleep(300); // the notification reaches B
      const t0 = performance.now();
      const none = await codexTurn(b.url, key("dev-1"));
      expect(none.status).toBe(503);
      expect(none.text).toContain("1 of 3 account(s) paused");
      expect(performance.now() - t0).toBeLessThan(2_000);
      t.keys("s");
      await t.waitFor(new RegExp(`resumed ${third}`), 5_000);
      await Bun.sleep(300);
      expect((await codexTurn(b.url, key("dev-1"))).status).toBe(200);
      expect(inference().at(-1)?.accountId).toBe(third);

      // Revoke dev-2: select it, x asks, anything but y keeps it, y revokes it.
      for (let i = 0; i < 5 && !/▸ dev-2/.test(t.capture()); i++) {
        t.keys("]");
        await Bun.sleep(150);
      }
      await t.waitFor(/▸ dev-2/, 5_000);
      t.keys("x");
      await t.waitFor(/revoke key dev-2\? y revokes it, any other key keeps it/, 5_000);
      t.keys("n");
      await t.waitFor(/kept dev-2/, 5_000);
      expect((await codexTurn(b.url, key("dev-2"))).status).toBe(200);
      t.keys("x");
      await t.waitFor(/revoke key dev-2\?/, 5_000);
      t.keys("y");
      await t.waitFor(/revoked dev-2/, 5_000);
      await t.waitFor(/key lead: key\.revoked dev-2/, 5_000);
      const refused = await codexTurn(b.url, key("dev-2"));
      expect(refused.status).toBe(401);
      expect(refused.text).toContain("unknown or revoked gateway key");
      saveScreen("team-dashboard-admin", t.capture());
      t.keys("q");
      await t.waitFor(/PRODEX EXITED 0/, 10_000);
    });
  }, 120_000);

  test("viewer: the same screen, read-only, told why a pin is not made; the instance dies: said, no hang", async () => {
    const [a] = gw.instances as [ServedGateway];
    const watch = operatorEnv("watch", key("watch"));
    const t = tmuxRun({ dir: watch.HOME as string, env: watch }, `bun ${CLI} dashboard --gateway ${a.url}`, {
      cols: 160,
      rows: 50,
    });
    await session(t, "team-dashboard-viewer", async () => {
      await t.waitFor(/viewer key watch: read-only/, 20_000);
      t.keys("p");
      await t.waitFor(/watch is a viewer key: pinning needs an admin key/, 5_000);
      t.keys("s");
      await t.waitFor(/watch is a viewer key: pausing an account needs an admin key/, 5_000);
      t.keys("x");
      saveScreen("team-dashboard-viewer", await t.waitFor(/watch is a viewer key: revoking needs an admin key/, 5_000));
      // The instance it reads through dies: the headline says so (and how old the screen is); q still quits at once.
      a.proc.kill("SIGKILL");
      await t.waitFor(/gateway: last read \d+s ago \(/, 10_000);
      t.keys("q");
      await t.waitFor(/PRODEX EXITED 0/, 10_000);
    });
  }, 60_000);
});

import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, type RunResult, failure, runToEnd } from "@prodex/testkit/cli-env";
import { type Secret, fileSources, findLeaks } from "@prodex/testkit/leak-scan";
import { useGatewayE2e } from "@prodex/testkit/gateway-e2e";
import { laptopEnv } from "@prodex/testkit/gateway-serve";
import { tmuxRun } from "@prodex/testkit/tmux-session";

// The team gateway end to end: two `prodex gateway serve` instances on one real PostgreSQL, the mock ChatGPT
// upstream behind them, and the real Codex CLI and Claude Code on two "laptops" (temp homes holding only a
// gateway key): Codex over the gateway's websocket on its placeholder login, shared refresh, rotation on
// exhaustion seen by both instances, a conversation continued through the other instance on its account, Codex's
// own refresh answered by the gateway, a revoked key, a SIGKILLed instance.

// Both logins about to expire: the first requests refresh them.
const gw = useGatewayE2e({ name: "gateway", accounts: [{ id: "acct-a" }, { id: "acct-b" }], expiresInSeconds: 90 });

function run(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return runToEnd(["bun", CLI, ...args], { env, timeoutMs });
}

const laptop = (name: string, key: string) => laptopEnv(gw.dir, name, key);

const codex = (env: Record<string, string>, url: string) =>
  run(["exec", "--gateway", url, "--skip-git-repo-check", "say hi"], env);
const claude = (env: Record<string, string>, url: string) =>
  run(["claude", "--gateway", url, "--", "-p", "say hi"], env);
const inference = () => gw.mock.requests({ path: "/backend-api/codex/responses" });
/** The requests the mock answered over the websocket (Codex's frames, relayed by an instance's proxy). */
const wsTurns = () => inference().filter((r) => r.transport === "ws" && r.status === 200);
const codexAuthPath = (env: Record<string, string>) =>
  join(env.PRODEX_HOME ?? "", "gateway", "codex-home", "auth.json");

/** Every token the pool's accounts hold or held (the logins added, what the mock considers live now), their emails. */
function poolSecrets(): Secret[] {
  const out: Secret[] = [{ label: "the gateway's secret key", value: gw.server.PRODEX_GATEWAY_SECRET_KEY ?? "" }];
  for (const a of gw.mock.accounts()) {
    const added = JSON.parse(readFileSync(join(gw.dir, "logins", a.id, "auth.json"), "utf8")) as {
      tokens: Record<string, string>;
    };
    for (const [k, v] of Object.entries(added.tokens))
      if (k !== "account_id") out.push({ label: `${a.id} ${k}`, value: v });
    for (const v of [...a.tokens.access, ...a.tokens.refresh]) out.push({ label: `${a.id} live token`, value: v });
    out.push({ label: `${a.id} email`, value: a.email });
  }
  return out;
}

/** Everything on the laptops: Codex's home (its placeholder login, sessions, logs), prodex's, Claude Code's. */
function laptopFiles(...laptops: Record<string, string>[]) {
  return laptops.flatMap((env) => fileSources(env.HOME ?? "", env.HOME ?? ""));
}

async function key(name: string): Promise<string> {
  const r = await run(["gateway", "key", "create", name, "--json"], gw.server);
  expect(r.code, failure(r)).toBe(0);
  return (JSON.parse(r.stdout) as { key: string }).key;
}

describe("team gateway with the real Codex CLI and Claude Code", () => {
  test("two laptops, two instances, one pool: refresh once, rotation seen by both, a revoked key, a SIGKILLed instance", async () => {
    const a = await gw.serve();
    const b = await gw.serve();
    const alice = laptop("alice", await key("alice"));
    const bob = laptop("bob", await key("bob"));

    // Codex through A and Claude Code through B at once, on an account whose login is about to expire.
    const [c1, k1] = await Promise.all([codex(alice, a.url), claude(bob, b.url)]);
    expect(c1.code, failure(c1)).toBe(0);
    expect(c1.stdout).toContain("hi from mock");
    expect(k1.code, failure(k1)).toBe(0);
    expect(k1.stdout).toContain("hi from mock");
    expect(gw.mock.refreshCalls("acct-a")).toBe(1);
    // Codex spoke the websocket through the gateway, and its workspace discovery was answered there (a failed
    // accounts/check fails every turn), never upstream.
    expect(wsTurns().length).toBeGreaterThan(0);
    expect(gw.mock.requests({ path: "/backend-api/wham/accounts/check" })).toHaveLength(0);
    // The laptops hold no ChatGPT token: Codex's login there is the placeholder holding the gateway key.
    const placeholder = JSON.parse(readFileSync(codexAuthPath(alice), "utf8")) as { tokens: Record<string, string> };
    expect(placeholder.tokens.access_token).toBe(alice.PRODEX_GATEWAY_KEY);
    expect(placeholder.tokens.account_id).toBe("prodex-gateway");
    expect(findLeaks(poolSecrets(), laptopFiles(alice, bob))).toEqual([]);

    // The conversation goes on through B: it stays on the account that served it through A.
    const owner = wsTurns().at(-1)?.accountId ?? "";
    const resumed = await run(
      ["exec", "--gateway", b.url, "--skip-git-repo-check", "resume", "--last", "say hi again"],
      alice,
    );
    expect(resumed.code, failure(resumed)).toBe(0);
    expect(wsTurns().at(-1)?.accountId).toBe(owner);

    // The serving account runs out: A finds out and rotates; B does not try it again. Over the websocket A learns
    // it from that account's handshake (its windows in the 101) before a frame is spent, or from one refused frame.
    const served = wsTurns().at(-1)?.accountId ?? "";
    const mark = inference().length;
    gw.mock.exhaust(served, 3_600);
    const c2 = await codex(alice, a.url);
    expect(c2.code, failure(c2)).toBe(0);
    expect(c2.stdout).toContain("hi from mock");
    expect(wsTurns().at(-1)?.accountId).not.toBe(served);
    const toExhausted = () => inference().filter((r) => r.accountId === served).length;
    const tried = inference()
      .slice(mark)
      .filter((r) => r.accountId === served);
    expect(tried.length).toBeGreaterThanOrEqual(1);
    expect(tried.filter((r) => r.transport === "ws").every((r) => r.status === 429)).toBe(true);
    expect(tried.filter((r) => r.transport === "ws").length).toBeLessThanOrEqual(1);
    const triedBefore = toExhausted();
    const k2 = await claude(bob, b.url);
    expect(k2.code, failure(k2)).toBe(0);
    expect(toExhausted()).toBe(triedBefore);

    // Codex's own scheduled refresh (its login looks 30 days old) is answered by the gateway with the placeholder:
    // no ChatGPT token call, and the laptop still holds only the key.
    const login = readFileSync(codexAuthPath(alice), "utf8");
    writeFileSync(
      codexAuthPath(alice),
      login.replace(/"last_refresh": "[^"]*"/, '"last_refresh": "2026-01-01T00:00:00Z"'),
    );
    const refreshesBefore = gw.mock.refreshCalls("acct-a") + gw.mock.refreshCalls("acct-b");
    const r1 = await codex(alice, b.url);
    expect(r1.code, failure(r1)).toBe(0);
    const after = JSON.parse(readFileSync(codexAuthPath(alice), "utf8")) as {
      last_refresh: string;
      tokens: Record<string, string>;
    };
    expect(Date.parse(after.last_refresh)).toBeGreaterThan(Date.parse("2026-01-02T00:00:00Z"));
    expect(after.tokens.access_token).toBe(alice.PRODEX_GATEWAY_KEY);
    expect(after.tokens.refresh_token).toBe(alice.PRODEX_GATEWAY_KEY);
    expect(gw.mock.refreshCalls("acct-a") + gw.mock.refreshCalls("acct-b")).toBe(refreshesBefore);
    // What Codex's status line reads, with the laptop's login as Codex sends it: the pool's view, no account in it.
    const usage = await fetch(`${b.url}/backend-api/wham/usage`, {
      headers: { authorization: `Bearer ${after.tokens.access_token}`, "chatgpt-account-id": "prodex-gateway" },
    });
    expect(usage.status).toBe(200);
    const usageText = await usage.text();
    expect(JSON.parse(usageText)).toMatchObject({ account_id: "prodex-gateway", email: null });
    expect(findLeaks(poolSecrets(), [{ where: "wham/usage", text: usageText }, ...laptopFiles(alice, bob)])).toEqual(
      [],
    );

    // The interactive Codex: its /status reads the gateway's answers (wham/usage, accounts/check), the pool's view
    // under the placeholder's name, never an account's; nothing of it reaches the upstream.
    mkdirSync(join(gw.dir, "alice-tmux"), { recursive: true });
    const t = tmuxRun({ dir: join(gw.dir, "alice-tmux"), env: alice }, `bun ${CLI} run --gateway ${a.url}`);
    try {
      await t.waitFor(/Ask Codex to do anything/, 60_000);
      // Codex fills its account and limits in as its own calls come back: ask again until the card has both.
      const complete = (card: string) => /5h limit:.*left/.test(card) && /ChatGPT workspace:/.test(card);
      let status = "";
      for (let i = 0; i < 15 && !complete(status); i++) {
        t.keys("/status");
        await Bun.sleep(300);
        t.enter();
        await Bun.sleep(1_500);
        const screen = t.capture();
        status = screen.slice(screen.lastIndexOf("/status"));
      }
      expect(status).toMatch(/5h limit:.*left/);
      expect(status).toMatch(/ChatGPT workspace:\s+prodex pool \(prodex-gateway\)/);
      expect(status).toMatch(/Account:\s+codex@prodex-gateway\.invalid/);
      expect(findLeaks(poolSecrets(), [{ where: "Codex's /status", text: status }])).toEqual([]);
    } finally {
      t.kill();
    }
    expect(gw.mock.requests({ path: "/backend-api/wham/usage" })).toHaveLength(0);

    // Bob's key is revoked: his next launch is refused in one line; Alice goes on.
    expect((await run(["gateway", "key", "revoke", "bob"], gw.server)).code).toBe(0);
    const before = inference().length;
    const k3 = await run(["claude", "--gateway", b.url, "--", "-p", "say hi"], bob, 30_000);
    expect(k3.code).not.toBe(0);
    expect(`${k3.stdout}${k3.stderr}`).toContain("unknown or revoked gateway key");
    expect(inference().length).toBe(before);

    // A dies mid-flight: B keeps serving.
    // In its own process group: Codex retries a dead gateway on its own clock and would outlive a killed prodex,
    // holding the test's pipes; the whole group ends once B's turn is due.
    const inFlight = Bun.spawn(["bun", CLI, "exec", "--gateway", a.url, "--skip-git-repo-check", "say hi"], {
      env: alice,
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
      detached: true,
    });
    await Bun.sleep(1_000);
    a.proc.kill("SIGKILL");
    await Promise.race([inFlight.exited, Bun.sleep(10_000)]);
    try {
      process.kill(-inFlight.pid, "SIGKILL");
    } catch {
      // the group has already gone
    }
    const c3 = await codex(alice, b.url);
    expect(c3.code, failure(c3)).toBe(0);
    expect(c3.stdout).toContain("hi from mock");
  }, 300_000);
});

import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MockAccountInit, MockBackend } from "@prodex/mock";
import { type RunResult as Run, cliEnv, failure } from "@prodex/testkit/cli-env";

// The real Codex CLI (apps/cli's pinned @openai/codex, the newest supported) through `prodex exec`, talking to
// the proxy over its Responses websocket, against the mock backend. Everything is a subprocess
// with its own temp HOME / PRODEX_HOME / shared Codex home / log dir; process.env is never touched.

type World = {
  dir: string;
  env: Record<string, string>;
  mock: MockBackend;
  prodex(args: string[]): Promise<Run>;
  close(): Promise<void>;
};

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function setup(accounts: MockAccountInit[]): Promise<World> {
  const w = await cliEnv(accounts, {}, { addProfiles: false });
  // Profiles the way a user makes them: `prodex profile add NAME --copy-from DIR`.
  for (const [i, a] of accounts.entries()) {
    const from = join(w.dir, `login-${i + 1}`);
    mkdirSync(from, { recursive: true });
    writeFileSync(join(from, "auth.json"), JSON.stringify(w.mock.authFile(a.id)));
    const added = await w.prodex(["profile", "add", `p${i + 1}`, "--copy-from", from], { timeoutMs: 20_000 });
    if (added.code !== 0) throw new Error(`profile add failed: ${added.stderr}`);
  }
  return { ...w, prodex: (args) => w.prodex(args, { timeoutMs: 50_000 }) };
}

/** What the mock saw on /responses: "transport account status", in order. */
function seen(mock: MockBackend): string[] {
  return mock
    .requests({ path: "/backend-api/codex/responses" })
    .map((r) => `${r.transport} ${r.accountId} ${r.status}`);
}

describe("prodex exec with the real Codex CLI over the websocket", () => {
  test("Codex takes the websocket through the proxy and prints the answer", async () => {
    world = await setup([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 50 } },
    ]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    const s = seen(world.mock);
    // The upgrade, Codex's prewarm (generate:false) and the turn, all on one account's websocket.
    expect(s).toContain("http acct-a 101");
    expect(s.filter((x) => x === "ws acct-a 200").length).toBeGreaterThanOrEqual(2);
    expect(s.some((x) => x.startsWith("http") && !x.endsWith("101"))).toBe(false);
    const frames = world.mock.requests({ path: "/backend-api/codex/responses" }).filter((q) => q.transport === "ws");
    expect(frames.some((q) => (q.body as { generate?: boolean } | null)?.generate === false)).toBe(true);
  }, 60_000);

  test("the first account answers a usage-limit error frame: the answer still prints, exit 0", async () => {
    world = await setup([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 50 } },
    ]);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(r.stderr.toLowerCase()).not.toContain("usage limit");
    const s = seen(world.mock);
    expect(s).toContain("ws acct-a 429");
    expect(s).toContain("ws acct-b 200");
    // Codex never had to reconnect or fall back to HTTP: the proxy moved the turn itself.
    expect(s.filter((x) => x.endsWith(" 101"))).toEqual(["http acct-a 101", "http acct-b 101"]);
    expect(s.some((x) => x.startsWith("http") && !x.endsWith("101"))).toBe(false);
  }, 60_000);

  test("the only account answers 429 with its limit resetting in 3 s: the proxy waits it out and Codex gets its answer", async () => {
    world = await setup([{ id: "acct-a", primary: { usedPercent: 5 } }]);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 3 });
    const started = Date.now();
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(r.stderr.toLowerCase()).not.toContain("usage limit");
    const s = seen(world.mock).filter((x) => x.startsWith("ws"));
    // The refused turn, then the same turn on the same account once its limit reset: no error reached Codex.
    expect(s.slice(-2)).toEqual(["ws acct-a 429", "ws acct-a 200"]);
    const turns = world.mock
      .requests({ path: "/backend-api/codex/responses" })
      .filter((q) => q.transport === "ws" && q.status !== 101);
    const [limited, answered] = turns.slice(-2).map((q) => q.time);
    expect((answered ?? 0) - (limited ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  }, 60_000);
});

describe("Codex 0.171's websocket message limit through the proxy", () => {
  // The upstream's 101 says how large a frame may be (x-codex-websocket-max-message-bytes). Codex
  // 0.171 reads it and sends a request that does not fit over HTTPS instead: the proof that the
  // header crossed the proxy. Without the header the same turn goes over the websocket (above).
  test("a limit below Codex's request size: the upgrade happens, the turn goes over HTTPS, the answer prints", async () => {
    world = await setup([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    world.mock.setOptions({ websocket: { maxMessageBytes: 2000 } });
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(seen(world.mock)).toEqual(["http acct-a 101", "http acct-a 200"]);
  }, 60_000);

  test("a limit above it: frames stay on the websocket", async () => {
    world = await setup([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    world.mock.setOptions({ websocket: { maxMessageBytes: 4 * 1024 * 1024 } });
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    const s = seen(world.mock);
    expect(s[0]).toBe("http acct-a 101");
    expect(s.filter((x) => x === "ws acct-a 200").length).toBeGreaterThanOrEqual(2);
    expect(s.some((x) => x.startsWith("http") && !x.endsWith("101"))).toBe(false);
  }, 60_000);
});

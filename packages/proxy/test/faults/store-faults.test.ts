import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Context, authPath, parseAuth } from "@prodex/core";
import {
  type FaultWorld,
  TWO_ACCOUNTS,
  ask,
  readAll,
  servesCleanly,
  types,
  useFaultWorlds,
} from "../helpers/fault-world.ts";

// A busy store (PRODEX_FAULTS=db.busy, and a real lock another process holds) must never fail
// or stall a request: the proxy keeps the pool in memory and writes the store when it can.

let locker: Bun.Subprocess<"pipe", "pipe", "inherit"> | null = null;
afterEach(async () => {
  locker?.kill("SIGKILL");
  await locker?.exited;
  locker = null;
});
const openWorld = useFaultWorlds();

const accountsSeen = (w: FaultWorld) =>
  w.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId}:${q.status}`);
const home = (w: FaultWorld) => w.env.PRODEX_HOME as string;
/** A context on the world's store with no faults: what the next process reads. */
function reader<T>(w: FaultWorld, fn: (ctx: Context) => T): T {
  const ctx = new Context({ env: w.env, source: "test-read" });
  try {
    return fn(ctx);
  } finally {
    ctx.close();
  }
}

describe("database busy", () => {
  test("db.busy on every write: a request that refreshes p1's token and rotates off its limit is served; auth.json has the new login", async () => {
    const w = await openWorld(TWO_ACCOUNTS, { expiring: ["acct-a"] });
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    const { proxy, ctx } = await w.start("db.busy");
    const body = await readAll(await ask(proxy));
    expect(body.error).toBeNull();
    expect(types(body.text)).toContain("response.completed");
    expect(accountsSeen(w)).toEqual(["acct-a:429", "acct-b:200"]);
    // The refresh worked although its store bookkeeping could not be written.
    expect(w.mock.refreshCalls("acct-a")).toBe(1);
    const p1 = parseAuth(readFileSync(authPath(join(home(w), "profiles", "p1")), "utf8"));
    expect(p1.kind === "chatgpt" && w.mock.accounts()[0]?.tokens.refresh.includes(p1.refreshToken)).toBe(true);
    // Memory is right: p1 rests on its quota, p2 serves.
    const snap = proxy.state.pool.snapshot();
    expect(snap.profiles.find((p) => p.name === "p1")?.backoff?.reason).toBe("quota");
    expect(snap.current).toBe("p2");
    expect(ctx.faults?.count("db.busy")).toBeGreaterThan(0);
    expect(w.integrity()).toEqual([]);
    const next = await servesCleanly(w);
    expect(next.ok, next.detail).toBe(true);
  }, 20_000);

  test("db.busy for the first writes: what the busy store refused (events, bindings) is written once it answers", async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    const running = await w.start("db.busy:2");
    const key = crypto.randomUUID();
    const res = await fetch(`${running.proxy.codexBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", ...running.proxy.codexHeaders },
      body: JSON.stringify({
        model: "gpt-5",
        stream: true,
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
        prompt_cache_key: key,
      }),
    });
    expect(types(await res.text())).toContain("response.completed");
    await running.stop();
    expect(running.ctx.faults?.count("db.busy")).toBe(2);
    const stored = reader(w, (ctx) => ({
      started: ctx.store.events.list({ kinds: ["proxy.started"] }).length,
      stopped: ctx.store.events.list({ kinds: ["proxy.stopped"] }).length,
      binding: ctx.store.bindings.get("prompt_cache_key", key, Date.now())?.profileId ?? null,
      p1: ctx.store.profiles.get("p1")?.id ?? null,
    }));
    expect(stored).toEqual({ started: 1, stopped: 1, binding: stored.p1, p1: stored.p1 });
    expect(stored.p1).not.toBeNull();
    expect(w.integrity()).toEqual([]);
  }, 20_000);

  test("another process holds the write lock: requests (with a rotation) are served while it still holds it", async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    const { proxy } = await w.start();
    locker = await holdWriteLock(join(home(w), "prodex.db"));
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    for (let i = 0; i < 3; i++) {
      const body = await readAll(await ask(proxy, `turn ${i}`));
      expect(types(body.text)).toContain("response.completed");
    }
    // Still locked: the answers did not wait for it (with SQLite's 10 s wait per write they would still be coming).
    expect(locker.exitCode).toBeNull();
    expect(accountsSeen(w)).toEqual(["acct-a:429", "acct-b:200", "acct-b:200", "acct-b:200"]);
    locker.stdin.end();
    expect(await locker.exited).toBe(0);
    locker = null;
    expect(w.integrity()).toEqual([]);
    const next = await servesCleanly(w);
    expect(next.ok, next.detail).toBe(true);
  }, 30_000);
});

/** A process holding `BEGIN IMMEDIATE` on the database until its stdin closes. */
async function holdWriteLock(db: string): Promise<Bun.Subprocess<"pipe", "pipe", "inherit">> {
  const script = `import { Database } from "bun:sqlite";
const db = new Database(${JSON.stringify(db)});
db.exec("BEGIN IMMEDIATE");
console.log("locked");
await Bun.stdin.text();
db.exec("ROLLBACK");
db.close();`;
  const proc = Bun.spawn(["bun", "-e", script], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
    env: { PATH: process.env.PATH ?? "" },
  });
  const reader = proc.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  expect(new TextDecoder().decode(first.value)).toContain("locked");
  return proc;
}

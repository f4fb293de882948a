import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { authPath, parseAuth } from "@prodex/core";
import {
  type FaultWorld,
  TWO_ACCOUNTS,
  ask,
  inference,
  readAll,
  servesCleanly,
  types,
  useFaultWorlds,
} from "../helpers/fault-world.ts";

// PRODEX_FAULTS on the token refresh seam, through the proxy: p1's login is about to expire, so
// the first request on it refreshes. The token endpoint is down, or calls the token reused.

const openWorld = useFaultWorlds();

const authText = (w: FaultWorld, name: string) => {
  const home = w.env.PRODEX_HOME as string;
  return readFileSync(authPath(`${home}/profiles/${name}`), "utf8");
};

describe("token endpoint faults", () => {
  test("token.down: the request moves to p2; p1's auth.json is untouched; the next launch refreshes p1 once", async () => {
    const w = await openWorld(TWO_ACCOUNTS, { expiring: ["acct-a"] });
    const { proxy } = await w.start("token.down@p1");
    const body = await readAll(await ask(proxy));
    expect(body.error).toBeNull();
    expect(types(body.text)).toContain("response.completed");
    expect(inference(w).map((q) => q.accountId)).toEqual(["acct-b"]);
    expect(w.mock.refreshCalls("acct-a")).toBe(0);
    expect(authText(w, "p1")).toBe(w.good.get("p1") as string);
    const p1 = proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1");
    expect(p1?.needsLogin).toBe(false);
    expect(p1?.backoff?.reason).toBe("auth");
    expect(w.integrity()).toEqual([]);

    // The next launch: the endpoint is back; p1's refresh happens once and its new token is kept.
    const next = await w.start();
    const fresh = await next.ctx.tokens.current(next.proxy.state.pool.ref("p1"));
    await next.stop();
    expect(w.mock.refreshCalls("acct-a")).toBe(1);
    expect(w.mock.accounts().find((a) => a.id === "acct-a")?.tokens.refresh).toEqual([fresh.refreshToken]);
    expect(w.integrity()).toEqual([]);
    const served = await servesCleanly(w);
    expect(served.ok, served.detail).toBe(true);
  }, 30_000);

  test("token.reused: p1 needs a login (said once, nothing written), the request moves to p2, the next launch serves without trying p1", async () => {
    const w = await openWorld(TWO_ACCOUNTS, { expiring: ["acct-a"] });
    const { proxy, ctx } = await w.start("token.reused@p1");
    const body = await readAll(await ask(proxy));
    expect(types(body.text)).toContain("response.completed");
    expect(inference(w).map((q) => q.accountId)).toEqual(["acct-b"]);
    expect(authText(w, "p1")).toBe(w.good.get("p1") as string);
    expect(parseAuth(authText(w, "p1")).kind).toBe("chatgpt");
    expect(proxy.state.pool.snapshot().profiles.find((p) => p.name === "p1")?.needsLogin).toBe(true);
    await ctx.writes.settled(); // the proxy writes its timeline from a worker thread
    expect(ctx.store.profiles.get("p1")?.authState).toBe("needs_login");
    const told = ctx.store.events.list({ kinds: ["auth.needs_login"] }).map((e) => e.message);
    expect(told).toEqual(["p1 needs login (refresh_token_reused): run prodex login -p p1"]);
    expect(w.integrity()).toEqual([]);

    const served = await servesCleanly(w);
    expect(served.ok, served.detail).toBe(true);
    expect(served.account).toBe("acct-b");
    expect(inference(w).some((q) => q.accountId === "acct-a")).toBe(false);
  }, 30_000);
});

// Every rule of the rotation loop, against scripted attempts: no sockets, milliseconds each.
import { describe, expect, test } from "bun:test";
import {
  EventTape,
  FakeClock,
  FakePool,
  FakeTokens,
  POLICY,
  type Script,
  scripted,
  T0,
} from "../../test/helpers/rotation-world.ts";
import type { FailureVerdict, RotateRequest, RotationPolicy } from "./ports.ts";
import { rotate } from "./rotate.ts";

type Last = string;
const served: Script<string, Last> = (input) => ({ kind: "served", value: `answer from ${input.name}` });
const fail =
  (verdict: FailureVerdict, last: Last | null = null): Script<string, Last> =>
  () => ({ kind: "failed", verdict, last });
const quota =
  (resetInMs: number | null): Script<string, Last> =>
  (_, clock) => ({
    kind: "failed",
    verdict: {
      action: "rotate",
      kind: "quota",
      reason: "usage limit reached",
      until: resetInMs === null ? null : clock.now() + resetInMs,
    },
    last: "429 usage_limit_reached",
  });
const rateLimited =
  (retryAfterMs: number | null): Script<string, Last> =>
  (_, clock) => ({
    kind: "failed",
    verdict: {
      action: "rotate",
      kind: "transient",
      reason: "rate limited",
      until: retryAfterMs === null ? null : clock.now() + retryAfterMs,
    },
    last: "429 rate_limit_exceeded",
  });
const unauthorized = fail({ action: "refresh", reason: "401 unauthorized" }, "401");

function world(names: string[], answers: Record<string, Script<string, Last>[]>, policy: RotationPolicy = POLICY) {
  const clock = new FakeClock();
  const pool = new FakePool(clock, names);
  const tokens = new FakeTokens();
  const events = new EventTape();
  const script = scripted(answers, clock);
  const run = (req: Partial<RotateRequest> = {}) =>
    rotate(
      { pool, tokens, upstream: script.upstream, clock, events, policy },
      {
        owner: null,
        stuck: false,
        stayOn: null,
        mayRotate: true,
        connected: () => null,
        signal: new AbortController().signal,
        ...req,
      },
    );
  return { clock, pool, tokens, events, seen: script.seen, run };
}

describe("rotate", () => {
  test("p1 at its usage limit, p2 serves: p1 rests until its reset, one rotation", async () => {
    const w = world(["p1", "p2"], { p1: [quota(3_600_000)], p2: [served] });
    w.pool.current = "p1";
    const out = await w.run();
    expect(out).toEqual({ kind: "served", value: "answer from p2", profile: "p2", attempts: 2 });
    expect(w.pool.rests).toEqual([{ name: "p1", kind: "quota", until: T0 + 3_600_000 }]);
    expect(w.events.events).toContainEqual({
      kind: "rotated",
      from: "p1",
      to: "p2",
      rest: "quota",
      reason: "usage limit reached",
    });
  });

  test("a 401 refreshes the token once and retries the same account; a second 401 is an auth failure", async () => {
    const w = world(["p1", "p2"], { p1: [unauthorized, unauthorized], p2: [served] });
    w.pool.current = "p1";
    const out = await w.run();
    expect(out.kind === "served" && out.profile).toBe("p2");
    expect(w.tokens.refreshes).toEqual(["p1:p1-token-1"]);
    expect(w.seen.map((s) => `${s.name}:${s.auth.accessToken}`)).toEqual([
      "p1:p1-token-1",
      "p1:p1-token-2",
      "p2:p2-token-1",
    ]);
    expect(w.pool.rests).toEqual([{ name: "p1", kind: "auth", until: T0 + 30_000 }]);
  });

  test("a 401 whose refresh finds the login dead: needs login, the request moves on", async () => {
    const w = world(["p1", "p2"], { p1: [unauthorized], p2: [served] });
    w.pool.current = "p1";
    w.tokens.refreshFails.add("p1");
    const out = await w.run();
    expect(out.kind === "served" && out.profile).toBe("p2");
    expect(w.pool.members.get("p1")?.usable).toBe(false);
    expect(w.seen.map((s) => s.name)).toEqual(["p1", "p2"]);
  });

  test("a token that needs a dependency that is down: the next account serves, nobody rests; alone, that line", async () => {
    const w = world(["p1", "p2"], { p1: [served], p2: [served] });
    w.pool.current = "p1";
    w.tokens.down.add("p1");
    expect(await w.run()).toMatchObject({ kind: "served", profile: "p2", attempts: 2 });
    expect(w.pool.rests).toEqual([]);
    w.tokens.down.add("p2");
    expect(await w.run()).toMatchObject({
      kind: "exhausted",
      last: null,
      down: expect.stringMatching(/^p[12].s token needs a refresh, and the database is down$/),
    });
    expect(w.pool.rests).toEqual([]);
    expect(w.seen.length).toBe(1);
  });

  test("reasoning the account cannot read: the same account again, bare, once", async () => {
    const w = world(["p1", "p2"], { p1: [() => ({ kind: "rejected-reasoning", last: "400" }), served], p2: [served] });
    w.pool.current = "p1";
    const out = await w.run();
    expect(out.kind === "served" && out.profile).toBe("p1");
    expect(w.seen.map((s) => `${s.name}:${s.bare}`)).toEqual(["p1:false", "p1:true"]);
    expect(w.pool.rests).toEqual([]);
  });

  test("a socket that ends by itself gets one free reconnect, no rest; a second one rests the account", async () => {
    const reconnect: Script<string, Last> = () => ({ kind: "reconnect", reason: "websocket_connection_limit_reached" });
    const once = world(["p1", "p2"], { p1: [reconnect, served], p2: [served] });
    once.pool.current = "p1";
    expect(await once.run()).toMatchObject({ kind: "served", profile: "p1", attempts: 2 });
    expect(once.pool.rests).toEqual([]);
    const twice = world(["p1", "p2"], { p1: [reconnect, reconnect], p2: [served] });
    twice.pool.current = "p1";
    expect(await twice.run()).toMatchObject({ kind: "served", profile: "p2", attempts: 3 });
    expect(twice.pool.rests).toEqual([{ name: "p1", kind: "transient", until: T0 + 2_000 }]);
  });

  test("the only account is rate limited for 3 s: the loop waits for it and it serves", async () => {
    const w = world(["p1"], { p1: [rateLimited(3_000), served] });
    const out = await w.run();
    expect(out).toMatchObject({ kind: "served", profile: "p1", attempts: 2 });
    expect(w.clock.slept).toEqual([3_001]);
    expect(w.events.kinds()).toContain("waiting");
  });

  test("a usage limit that resets in moments is waited for too; one an hour away is not", async () => {
    const soon = world(["p1"], { p1: [quota(4_000), served] });
    expect(await soon.run()).toMatchObject({ kind: "served", profile: "p1" });
    const later = world(["p1"], { p1: [quota(3_600_000), served] });
    expect(await later.run()).toMatchObject({
      kind: "exhausted",
      last: "429 usage_limit_reached",
      earliestReset: T0 + 3_600_000,
    });
    expect(later.clock.slept).toEqual([]);
  });

  test("an overloaded account is not waited for", async () => {
    const w = world(["p1"], {
      p1: [fail({ action: "rotate", kind: "overload", reason: "upstream 503", until: null }, "503"), served],
    });
    expect(await w.run()).toMatchObject({ kind: "exhausted", last: "503", tried: ["p1"] });
    expect(w.clock.slept).toEqual([]);
  });

  test("waits are bounded: three at most per request", async () => {
    const w = world(["p1"], { p1: [rateLimited(1_000)] });
    const out = await w.run();
    expect(out.kind).toBe("exhausted");
    expect(w.clock.slept.length).toBe(3);
  });

  test("everyone at the limit: give up with the upstream's last word and the earliest reset", async () => {
    const w = world(["p1", "p2", "p3"], { p1: [quota(7_200_000)], p2: [quota(1_800_000)], p3: [quota(3_600_000)] });
    const out = await w.run();
    expect(out).toMatchObject({
      kind: "exhausted",
      last: "429 usage_limit_reached",
      attempts: 3,
      earliestReset: T0 + 1_800_000,
    });
    expect(out.kind === "exhausted" && [...out.tried].sort()).toEqual(["p1", "p2", "p3"]);
    expect(w.events.events.at(-1)).toEqual({
      kind: "gave-up",
      attempts: 3,
      tried: expect.any(Array),
      earliestReset: T0 + 1_800_000,
    });
  });

  test("never rotates after commit: a served attempt ends the loop whatever it streams later", async () => {
    let calls = 0;
    const w = world(["p1", "p2"], {
      p1: [
        () => {
          calls++;
          return { kind: "served", value: "stream that breaks later" };
        },
      ],
      p2: [served],
    });
    w.pool.current = "p1";
    const out = await w.run();
    expect(out).toMatchObject({ kind: "served", profile: "p1", attempts: 1 });
    expect(calls).toBe(1);
    expect(w.seen.map((s) => s.name)).toEqual(["p1"]);
  });

  test("a token that cannot be fetched rests the account 30 s (not 10 min) and the request moves on", async () => {
    const w = world(["p1", "p2"], { p1: [served], p2: [served] });
    w.pool.current = "p1";
    w.tokens.broken.add("p1");
    expect(await w.run()).toMatchObject({ kind: "served", profile: "p2" });
    expect(w.pool.rests).toEqual([{ name: "p1", kind: "auth", until: T0 + 30_000 }]);
  });

  test("a dead login is marked, not rested", async () => {
    const w = world(["p1", "p2"], { p1: [served], p2: [served] });
    w.pool.current = "p1";
    w.tokens.dead.add("p1");
    expect(await w.run()).toMatchObject({ kind: "served", profile: "p2" });
    expect(w.pool.rests).toEqual([]);
    expect(w.pool.members.get("p1")?.usable).toBe(false);
  });

  test("the owner comes first, even resting; a stuck request whose owner is at its limit is stale", async () => {
    const w = world(["p1", "p2"], { p1: [served], p2: [served] });
    w.pool.current = "p2";
    w.pool.resting("p1", "transient", 5_000);
    expect(await w.run({ owner: { profile: "p1", via: "response_id" } })).toMatchObject({
      kind: "served",
      profile: "p1",
    });
    w.pool.resting("p1", "quota", 600_000);
    expect(await w.run({ owner: { profile: "p1", via: "response_id" }, stuck: true })).toEqual({
      kind: "stale",
      owner: "p1",
      why: { ok: false, why: "quota", until: T0 + 600_000 },
      attempts: 0,
    });
  });

  test("a conversation that cannot leave its owner waits out the owner's brief rate limit", async () => {
    const w = world(["p1", "p2"], { p1: [rateLimited(2_000), served], p2: [served] });
    const out = await w.run({ owner: { profile: "p1", via: "response_id" }, stuck: true });
    expect(out).toMatchObject({ kind: "served", profile: "p1", attempts: 2 });
    expect(w.clock.slept).toEqual([2_001]);
    expect(w.seen.map((s) => s.name)).toEqual(["p1", "p1"]);
  });

  test("…but not an owner that hit a usage limit an hour away: stale", async () => {
    const w = world(["p1", "p2"], { p1: [quota(3_600_000)], p2: [served] });
    const out = await w.run({ owner: { profile: "p1", via: "response_id" }, stuck: true });
    expect(out).toMatchObject({ kind: "stale", owner: "p1", why: { why: "quota", until: T0 + 3_600_000 } });
  });

  test("--no-auto-rotate: a failure ends the request on its account", async () => {
    const w = world(["p1", "p2"], {
      p1: [fail({ action: "rotate", kind: "overload", reason: "upstream 500", until: null }, "500")],
      p2: [served],
    });
    const out = await w.run({ stayOn: "p1", mayRotate: false });
    expect(out).toMatchObject({ kind: "exhausted", last: "500", tried: ["p1"], attempts: 1 });
  });

  test("attempts are bounded", async () => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const w = world(names, Object.fromEntries(names.map((n) => [n, [rateLimited(600_000)]])));
    const out = await w.run();
    expect(out).toMatchObject({ kind: "exhausted", attempts: POLICY.maxAttempts });
  });

  test("the client leaving ends the loop without resting anyone", async () => {
    const ac = new AbortController();
    const w = world(["p1", "p2"], {
      p1: [
        () => {
          ac.abort();
          return { kind: "gone" };
        },
      ],
      p2: [served],
    });
    expect(await w.run({ signal: ac.signal })).toEqual({ kind: "gone", attempts: 1 });
    expect(w.pool.rests).toEqual([]);
  });

  test("the websocket stays on its connection's account while it can serve", async () => {
    const w = world(["p1", "p2"], { p1: [served], p2: [served] });
    w.pool.current = "p1";
    expect(await w.run({ connected: () => "p2" })).toMatchObject({ kind: "served", profile: "p2" });
  });

  test("rests grow with the streak: the third rate limit in a row rests 8 s", async () => {
    const w = world(["p1", "p2"], { p1: [rateLimited(null)], p2: [served] });
    for (let i = 0; i < 3; i++) {
      w.pool.current = "p1";
      w.pool.members.get("p1")!.backoffUntil = null;
      await w.run();
    }
    expect(w.pool.rests.map((r) => r.until - T0)).toEqual([2_000, 4_000, 8_000]);
  });
});

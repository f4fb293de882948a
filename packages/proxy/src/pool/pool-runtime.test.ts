import { describe, expect, test } from "bun:test";
import { type ChatgptAuth, Context } from "@prodex/core";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { PoolRuntime } from "./pool-runtime.ts";

const T0 = 1_800_000_000_000;
const tempDir = useTempDirs("prodex-pool-runtime-");

function world(names: string[]) {
  const dir = tempDir();
  let t = T0;
  // Every profile has a login (the pool only asks whether one exists).
  const login = async () => ({}) as ChatgptAuth;
  const tokens = { read: () => ({}) as ChatgptAuth, current: login, afterUnauthorized: login };
  const ctx = new Context({ env: { PRODEX_HOME: dir, HOME: dir }, now: () => t, tokens });
  for (const name of names) ctx.store.profiles.insert({ name, codexHome: `${dir}/${name}`, kind: "managed" });
  const open = () => new PoolRuntime(ctx, { preferred: names[0] ?? null, autoRotate: true, syncMs: 0 });
  return { ctx, open, advance: (ms: number) => (t += ms), now: () => t };
}

describe("PoolRuntime", () => {
  test("rests grow with the streak, and the streak survives a restart (the store keeps what it is read for)", () => {
    const w = world(["p1", "p2"]);
    const pool = w.open();
    const rests: number[] = [];
    for (let i = 0; i < 3; i++) {
      rests.push(pool.rest("p1", { kind: "transient", reason: "rate limited", until: null }) - w.now());
      w.advance(1_000);
    }
    expect(rests).toEqual([2_000, 4_000, 8_000]);
    pool.close();
    w.ctx.writes.flush();
    const again = w.open();
    expect(again.rest("p1", { kind: "transient", reason: "rate limited", until: null }) - w.now()).toBe(16_000);
    w.ctx.writes.flush();
    expect(w.ctx.store.backoffs.get(w.ctx.store.profiles.get("p1")?.id ?? -1)?.attempts).toBe(4);
    again.close();
  });

  test("the backoff event says availability's words (the panel's and prodex quota's), the upstream's reason after", () => {
    const w = world(["p1", "p2"]);
    const pool = w.open();
    const heard: string[] = [];
    w.ctx.events.subscribe((e) => heard.push(e.message));
    const until = pool.rest("p1", { kind: "overload", reason: "503 from upstream", until: null });
    const limit = pool.rest("p2", { kind: "quota", reason: "usage_limit_reached", until: T0 + 3_600_000 });
    expect(heard).toEqual([
      `p1: resting (upstream overloaded) until ${new Date(until).toISOString()} (503 from upstream)`,
      `p2: usage limit reached until ${new Date(limit).toISOString()} (usage_limit_reached)`,
    ]);
    pool.close();
  });

  test("a quiet minute after the rest ends starts a fresh streak", () => {
    const w = world(["p1"]);
    const pool = w.open();
    pool.rest("p1", { kind: "overload", reason: "503", until: null });
    w.advance(5_000 + 60_000);
    expect(pool.rest("p1", { kind: "overload", reason: "503", until: null }) - w.now()).toBe(5_000);
    pool.close();
  });

  test("availability speaks the one vocabulary; the view is what selection ranks", () => {
    const w = world(["p1", "p2"]);
    const pool = w.open();
    pool.rest("p1", { kind: "quota", reason: "usage limit", until: w.now() + 600_000 });
    expect(pool.availability("p1")).toEqual({ ok: false, why: "quota", until: w.now() + 600_000 });
    expect(pool.availability("nobody")).toEqual({ ok: false, why: "unknown", until: null });
    expect(pool.view().candidates.map((c) => c.name)).toEqual(["p1", "p2"]);
    pool.close();
  });

  test("pin and auto-rotate change through methods, and show in the view and the snapshot", () => {
    const w = world(["p1", "p2"]);
    const pool = w.open();
    pool.pin("p2");
    pool.setAutoRotate(false);
    expect(pool.view()).toMatchObject({ pinned: "p2", autoRotate: false, current: "p1" });
    expect(pool.snapshot()).toMatchObject({ pinned: "p2", autoRotate: false });
    pool.close();
  });
});

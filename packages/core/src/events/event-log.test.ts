import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Store } from "@prodex/store";
import { Context } from "../context.ts";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { EventLog, rowToEvent } from "./event-log.ts";
import type { PoolEvent } from "./types.ts";

const temp = useTempDirs("prodex-events-");
const openStore = () => Store.open(join(temp(), "prodex.db"));

function withStore(fn: (store: Store) => void | Promise<void>): Promise<void> {
  const store = openStore();
  return Promise.resolve(fn(store)).finally(() => store.close());
}

describe("EventLog sync (CLI commands)", () => {
  test("each event is in the store when emit returns, with the store's id", () =>
    withStore((store) => {
      const log = new EventLog(store, { source: "cli:test", mode: "sync", now: () => 1000 });
      const heard: PoolEvent[] = [];
      log.subscribe((e) => heard.push(e));
      const a = log.emit({ kind: "control", message: "one", profile: "p1" });
      expect(store.events.list().map(rowToEvent)).toEqual([a]);
      const b = log.emit({ kind: "backoff", level: "warn", message: "two", data: { reason: "transient", until: 5 } });
      expect(a.id).toBeGreaterThan(0);
      expect(b.id).toBe(a.id + 1);
      expect(heard).toEqual([a, b]);
      expect(rowToEvent(store.events.list()[1] as NonNullable<ReturnType<typeof store.events.list>[number]>)).toEqual({
        id: b.id,
        at: 1000,
        kind: "backoff",
        level: "warn",
        profile: null,
        message: "two",
        data: { reason: "transient", until: 5 },
        pid: process.pid,
        source: "cli:test",
      });
    }));
});

describe("EventLog buffered (the proxy)", () => {
  test("listeners hear at once; the store gets the batch on flush, in order", () =>
    withStore((store) => {
      const log = new EventLog(store, { source: "proxy:x", mode: "buffered", flushMs: 60_000 });
      const heard: string[] = [];
      const off = log.subscribe((e) => heard.push(e.message));
      const first = log.emit({ kind: "rotation", message: "r1" });
      log.emit({ kind: "rotation", message: "r2" });
      expect(first.id).toBeLessThan(0);
      expect(heard).toEqual(["r1", "r2"]);
      expect(store.events.list()).toEqual([]);
      log.flush();
      expect(store.events.list().map((r) => r.message)).toEqual(["r1", "r2"]);
      off();
      log.emit({ kind: "rotation", message: "r3" });
      expect(heard).toEqual(["r1", "r2"]);
      log.flush();
      log.flush(); // nothing pending: no duplicates
      expect(store.events.list().map((r) => r.message)).toEqual(["r1", "r2", "r3"]);
    }));

  test("flushes on its own after flushMs", () =>
    withStore(async (store) => {
      const log = new EventLog(store, { source: "proxy:x", mode: "buffered", flushMs: 20 });
      log.emit({ kind: "control", message: "later" });
      expect(store.events.list()).toEqual([]);
      const until = Date.now() + 5_000;
      while (store.events.list().length === 0 && Date.now() < until) await Bun.sleep(10);
      expect(store.events.list().map((r) => r.message)).toEqual(["later"]);
    }));

  test("a broken store never fails the caller (the timeline is best effort)", () => {
    const store = openStore();
    const log = new EventLog(store, { source: "cli", mode: "sync" });
    store.close();
    expect(log.emit({ kind: "error", message: "still fine" }).message).toBe("still fine");
    const buffered = new EventLog(store, { source: "proxy", mode: "buffered" });
    buffered.emit({ kind: "error", message: "x" });
    expect(() => buffered.flush()).not.toThrow();
  });

  test("a busy store keeps the batch and takes it once it answers; a broken one is not retried", () => {
    const dir = temp();
    const env = { HOME: dir, PRODEX_HOME: join(dir, "prodex") };
    const ctx = new Context({ env: { ...env, PRODEX_FAULTS: "db.busy:2" }, eventMode: "buffered", source: "proxy:t" });
    try {
      ctx.events.emit({ kind: "rotation", message: "during" });
      expect(ctx.events.flush()).toBe(false);
      ctx.events.emit({ kind: "rotation", message: "still during" });
      expect(ctx.events.flush()).toBe(false);
      expect(ctx.events.flush()).toBe(true);
      expect(ctx.store.events.list().map((r) => r.message)).toEqual(["during", "still during"]);
    } finally {
      ctx.close();
    }
    const store = openStore();
    const log = new EventLog(store, { source: "proxy", mode: "buffered" });
    store.close();
    log.emit({ kind: "error", message: "x" });
    expect(log.flush()).toBe(true);
  });

  test("without a store events only reach listeners", () => {
    const log = new EventLog(null, { source: "mem" });
    const heard: string[] = [];
    log.subscribe((e) => heard.push(e.message));
    log.emit({ kind: "control", message: "m" });
    expect(() => log.flush()).not.toThrow();
    expect(heard).toEqual(["m"]);
  });

  test("Context.close flushes a buffered log", () => {
    const dir = temp();
    const env = { HOME: dir, PRODEX_HOME: join(dir, "prodex") };
    const ctx = new Context({ env, eventMode: "buffered", source: "proxy:t" });
    ctx.events.emit({ kind: "proxy.started", message: "up" });
    ctx.close();
    const store = Store.open(join(dir, "prodex", "prodex.db"));
    try {
      expect(store.events.list().map((r) => [r.kind, r.message, r.source])).toEqual([
        ["proxy.started", "up", "proxy:t"],
      ]);
    } finally {
      store.close();
    }
  });
});

import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../store.ts";
import { InlineSink, StoreWriter } from "./store-writer.ts";
import { WorkerSink } from "./worker-sink.ts";
import type { BatchResult, WriteOp } from "./write-ops.ts";

const dirs: string[] = [];
const opened: (Store | Database)[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: { busyTimeoutMs?: number } = {}): { path: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), "prodex-writer-"));
  dirs.push(dir);
  const path = join(dir, "prodex.db");
  const store = Store.open(path, options);
  opened.push(store);
  store.profiles.insert({ name: "p1", codexHome: join(dir, "p1"), kind: "managed" });
  return { path, store };
}

const event = (message: string): WriteOp => ({
  repo: "events",
  method: "append",
  args: [{ at: 1, kind: "control", message }],
});
const messages = (store: Store) => store.events.list().map((e) => e.message);

/** Another connection holding the write lock until released (what a second prodex process can do). */
function lock(path: string): () => void {
  const other = new Database(path);
  opened.push(other);
  other.exec("BEGIN IMMEDIATE");
  return () => other.exec("ROLLBACK");
}

describe("StoreWriter on this thread", () => {
  test("write() only queues; a flush writes the batch in order, once", () => {
    const { store } = setup();
    const w = new StoreWriter(new InlineSink(store));
    for (const m of ["a", "b", "c"]) w.write(event(m));
    expect(messages(store)).toEqual([]);
    expect(w.pending()).toBe(3);
    expect(w.flush()).toBe(true);
    expect(w.flush()).toBe(true);
    expect(messages(store)).toEqual(["a", "b", "c"]);
    expect(w.pending()).toBe(0);
  });

  test("writes on its own after flushMs", async () => {
    const { store } = setup();
    const w = new StoreWriter(new InlineSink(store), { flushMs: 10 });
    w.write(event("later"));
    const until = Date.now() + 5_000;
    while (messages(store).length === 0 && Date.now() < until) await Bun.sleep(5);
    expect(messages(store)).toEqual(["later"]);
  });

  test("a store another connection locks refuses the batch; kept, it is written in order once the lock goes", () => {
    const { path, store } = setup({ busyTimeoutMs: 20 });
    const w = new StoreWriter(new InlineSink(store), { retryMs: 60_000 });
    const release = lock(path);
    w.write(event("during"));
    expect(w.flush()).toBe(false);
    w.write(event("still during"));
    expect(w.flush()).toBe(false);
    release();
    expect(w.flush()).toBe(true);
    expect(messages(store)).toEqual(["during", "still during"]);
  });

  test("backlog: ops waiting and the oldest one's age, kept across a refused batch, zero once written", () => {
    const { path, store } = setup({ busyTimeoutMs: 20 });
    let now = 1_000;
    const w = new StoreWriter(new InlineSink(store), { retryMs: 60_000, now: () => now });
    expect(w.backlog()).toEqual({ ops: 0, lagMs: 0 });
    w.write(event("first"));
    now += 300;
    w.write(event("second"));
    now += 200;
    expect(w.backlog()).toEqual({ ops: 2, lagMs: 500 });
    const release = lock(path);
    expect(w.flush()).toBe(false);
    now += 1_000;
    w.write(event("third"));
    expect(w.backlog()).toEqual({ ops: 3, lagMs: 1_500 });
    release();
    expect(w.flush()).toBe(true);
    expect(w.backlog()).toEqual({ ops: 0, lagMs: 0 });
    now += 50;
    w.write(event("fourth"));
    now += 20;
    expect(w.backlog()).toEqual({ ops: 1, lagMs: 20 });
  });

  test("backlog: a batch in flight counts every op it holds until the sink is done with it", () => {
    const sinkDone: ((result: BatchResult) => void)[] = [];
    const w = new StoreWriter({ apply: (_ops, done) => void sinkDone.push(done), close: async () => {} });
    for (const m of ["a", "b", "c"]) w.write(event(m));
    w.flush();
    w.write(event("d"));
    expect(w.backlog().ops).toBe(4);
    sinkDone[0]?.({ done: 3, dropped: 0, busy: false });
    expect(w.backlog().ops).toBe(1);
  });

  test("an op that fails on its own (its profile is gone) is dropped, not its batch", () => {
    const { store } = setup();
    const w = new StoreWriter(new InlineSink(store));
    const p1 = store.profiles.get("p1")?.id as number;
    w.write(event("before"));
    w.write({ repo: "backoffs", method: "set", args: [p1 + 99, "transient", 10, "gone", 1] });
    w.write({ repo: "backoffs", method: "set", args: [p1, "transient", 10, "kept", 1] });
    w.write(event("after"));
    w.flush();
    expect(messages(store)).toEqual(["before", "after"]);
    expect([...store.backoffs.active(0).values()].map((b) => b.message)).toEqual(["kept"]);
    expect(w.lost).toBe(1);
  });

  test("while the store refuses, the queue keeps the newest maxQueued ops", () => {
    const { path, store } = setup({ busyTimeoutMs: 10 });
    const w = new StoreWriter(new InlineSink(store), { maxQueued: 3, retryMs: 60_000 });
    const release = lock(path);
    for (const m of ["1", "2", "3", "4", "5"]) w.write(event(m));
    expect(w.flush()).toBe(false);
    release();
    w.flush();
    expect(messages(store)).toEqual(["3", "4", "5"]);
    expect(w.lost).toBe(2);
  });

  test("a closed store loses the batch without throwing (the bookkeeping is best effort)", () => {
    const { store } = setup();
    const w = new StoreWriter(new InlineSink(store));
    store.close();
    w.write(event("x"));
    expect(() => w.drain()).not.toThrow();
    expect(w.lost).toBe(1);
  });
});

describe("StoreWriter on the writer thread", () => {
  const refusing = () => {
    throw new Error("the caller's connection must not write");
  };

  test("batches are written by the worker's own connection (the caller's refuses every write)", async () => {
    const { path, store } = setup();
    const caller = Store.open(path, { beforeWrite: refusing });
    opened.push(caller);
    const w = new StoreWriter(new InlineSink(caller));
    await w.use(new WorkerSink(path, { fallback: new InlineSink(caller) }));
    for (const m of ["a", "b"]) w.write(event(m));
    w.write({ repo: "bindings", method: "putByName", args: ["session", "s1", "p1", 60_000, Date.now()] });
    await w.settled();
    expect(messages(store)).toEqual(["a", "b"]);
    expect(store.bindings.get("session", "s1")?.profileId).toBe(store.profiles.get("p1")?.id as number);
    await w.use(new InlineSink(caller));
  });

  test("another connection holds the lock: write() and flush() return at once, the batch lands later", async () => {
    const { path, store } = setup();
    const w = new StoreWriter(new InlineSink(store), { retryMs: 20 });
    await w.use(new WorkerSink(path, { busyTimeoutMs: 50, fallback: new InlineSink(store) }));
    const release = lock(path);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) w.write(event(`m${i}`));
    w.flush();
    const blocked = performance.now() - t0;
    await Bun.sleep(150);
    expect(w.pending()).toBeGreaterThan(0);
    release();
    await w.settled();
    expect(blocked).toBeLessThan(40);
    expect(messages(store)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    await w.use(new InlineSink(store));
  });

  test("the db.busy seam refuses whole batches; they are kept and written once it stops", async () => {
    const { path, store } = setup();
    let refusals = 2;
    const refuse = () => refusals-- > 0;
    const w = new StoreWriter(new InlineSink(store), { retryMs: 10 });
    await w.use(new WorkerSink(path, { refuse, fallback: new InlineSink(store) }));
    w.write(event("first"));
    w.flush();
    w.write(event("second"));
    await w.settled(5);
    expect(refusals).toBeLessThan(0);
    expect(messages(store)).toEqual(["first", "second"]);
    await w.use(new InlineSink(store));
  });

  test("a thread that cannot open the store hands every batch to the caller's connection", async () => {
    const { store } = setup();
    const why: string[] = [];
    const w = new StoreWriter(new InlineSink(store));
    await w.use(
      new WorkerSink("/proc/prodex-no-such-dir/prodex.db", {
        fallback: new InlineSink(store),
        onFallback: (m) => why.push(m),
      }),
    );
    w.write(event("kept"));
    await w.settled();
    expect(messages(store)).toEqual(["kept"]);
    expect(why.length).toBe(1);
  });

  test("the thread starts with the first batch, goes once writes are quiet, and comes back for the next", async () => {
    const { path, store } = setup();
    const sink = new WorkerSink(path, { fallback: new InlineSink(store), quietMs: 30 });
    const w = new StoreWriter(new InlineSink(store));
    await w.use(sink);
    expect(sink.running()).toBe(false);
    w.write(event("first"));
    await w.settled();
    expect(sink.running()).toBe(true);
    const until = Date.now() + 5_000;
    while (sink.running() && Date.now() < until) await Bun.sleep(10);
    expect(sink.running()).toBe(false);
    w.write(event("second"));
    await w.settled();
    expect(messages(store)).toEqual(["first", "second"]);
    await w.use(new InlineSink(store));
  });

  test("moving back to this thread writes what the worker held first", async () => {
    const { path, store } = setup();
    const w = new StoreWriter(new InlineSink(store), { flushMs: 60_000 });
    await w.use(new WorkerSink(path, { fallback: new InlineSink(store) }));
    w.write(event("queued"));
    await w.use(new InlineSink(store));
    expect(messages(store)).toEqual(["queued"]);
    w.write(event("inline"));
    w.drain();
    expect(messages(store)).toEqual(["queued", "inline"]);
  });
});

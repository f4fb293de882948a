import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayDbError, GatewayStore, type PgLedgerRow } from "@prodex/store/pg";
import { assertSchemaCurrent } from "../src/pg/migrate.ts";
import { migrations } from "../src/pg/migrations.gen.ts";
import { type PgCluster, startPgCluster } from "@prodex/testkit/pg-cluster";

// A real PostgreSQL server (tests/helpers/pg-cluster.ts), one database per test.
let pg: PgCluster;
const stores: GatewayStore[] = [];
beforeAll(async () => {
  pg = await startPgCluster();
}, 60_000);
afterAll(async () => {
  for (const s of stores) await s.close();
  await pg?.close();
});

let n = 0;
async function fresh(migrate = true): Promise<GatewayStore> {
  const store = GatewayStore.open(await pg.database(`pg_store_${++n}`));
  stores.push(store);
  if (migrate) await store.migrate();
  return store;
}

const sealed = (v: string) => ({ tokenCipher: v, keyId: "k1", expiresAt: null, lastRefresh: 0 });

describe("gateway store on PostgreSQL", () => {
  test("two migrate runs at once: one applies, the other waits and finds nothing to do; a third is a no-op", async () => {
    const a = await fresh(false);
    const b = GatewayStore.open(a.url);
    stores.push(b);
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, ra.current.length]);
    expect((await a.migrate()).applied).toEqual([]);
    await a.assertSchema();
  });

  test("a schema that is behind is one clear line naming the command to run", async () => {
    const s = await fresh(false);
    const error = await s.assertSchema().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayDbError);
    expect((error as GatewayDbError).message).toContain("has no gateway schema yet");
    expect((error as GatewayDbError).hint).toContain("prodex gateway migrate");
  });

  test("an unreachable server is a GatewayDbError without the password", async () => {
    const s = GatewayStore.open("postgres://u:hunter2@127.0.0.1:1/x", { connectionTimeout: 2 });
    stores.push(s);
    const error = (await s.migrate().then(
      () => null,
      (e: unknown) => e,
    )) as GatewayDbError;
    expect(error).toBeInstanceOf(GatewayDbError);
    expect(error.message).toContain("cannot reach PostgreSQL");
    expect(error.message).not.toContain("hunter2");
  });

  test("token writes only land over the version read; the row lock serialises refreshers", async () => {
    const s = await fresh();
    const now = Date.now();
    expect(await s.accounts.add({ name: "a", tokenCipher: "c0", keyId: "k1", createdAt: now, updatedAt: now })).toBe(
      true,
    );
    expect(await s.accounts.add({ name: "a", tokenCipher: "c0", keyId: "k1", createdAt: now, updatedAt: now })).toBe(
      false,
    );
    expect(await s.accounts.writeTokens("a", 1, sealed("c1"))).toBe(2);
    expect(await s.accounts.writeTokens("a", 1, sealed("stale"))).toBeNull();
    const order: string[] = [];
    const other = GatewayStore.open(s.url);
    stores.push(other);
    await Promise.all(
      [s, other].map((store, i) =>
        store.accounts.locked("a", async ({ row, write }) => {
          order.push(`start${i}:v${row.tokenVersion}`);
          await Bun.sleep(100);
          await write(sealed(`c-${i}`));
          order.push(`end${i}`);
        }),
      ),
    );
    // The second holder saw the first one's write (version 3), never the same version twice.
    expect(order[1]).toMatch(/^end/);
    expect(
      order
        .filter((o) => o.startsWith("start"))
        .map((o) => o.split(":")[1])
        .sort(),
    ).toEqual(["v2", "v3"]);
    expect((await s.accounts.get("a"))?.tokenVersion).toBe(4);
  });

  test("events sent twice (a retried batch) are stored once", async () => {
    const s = await fresh();
    const batch = [1, 2, 3].map((seq) => ({
      instance: "i1",
      seq,
      at: Date.now(),
      kind: "k",
      level: "info",
      account: null,
      message: `m${seq}`,
      data: { seq },
    }));
    await s.events.insertMany(batch);
    await s.events.insertMany(batch);
    const rows = await s.events.since(0);
    expect(rows.map((r) => r.message)).toEqual(["m1", "m2", "m3"]);
    expect(rows[0]?.data).toEqual({ seq: 1 });
  });

  test("batches as one jsonb parameter: ledger rows round-trip (nulls, big numbers, quotes), stored once", async () => {
    const s = await fresh();
    const row = (id: string, over: Partial<PgLedgerRow> = {}): PgLedgerRow => ({
      requestId: id,
      at: 1_765_000_000_123,
      caller: 'team "ops" \\ é',
      profile: "p1",
      client: "codex",
      model: null,
      inputTokens: 9_007_199_254_740,
      cachedTokens: 0,
      outputTokens: 7,
      reasoningTokens: 3,
      status: 200,
      outcome: "completed",
      rotations: 1,
      ttfbMs: null,
      durationMs: 12,
      instance: "i1",
      ...over,
    });
    const batch = [row("r1"), row("r2", { model: "gpt-5", ttfbMs: 4, status: 429, outcome: "error" })];
    await s.ledger.insertMany(batch);
    await s.ledger.insertMany([...batch, row("r3")]);
    expect(await s.ledger.since(0)).toEqual([...batch, row("r3")]);
  });

  test("bindings batches insert, then update the account and times of a key already bound", async () => {
    const s = await fresh();
    const now = Date.now();
    for (const name of ["a", "b"])
      await s.accounts.add({ name, tokenCipher: "c", keyId: "k1", createdAt: now, updatedAt: now });
    const bind = (key: string, account: string, at: number) => ({
      kind: "response",
      key,
      account,
      lastUsedAt: at,
      expiresAt: at + 60_000,
    });
    await s.bindings.putMany([bind("x", "a", now), bind("y", "a", now)]);
    await s.bindings.putMany([bind("x", "b", now + 5)]);
    expect(await s.bindings.get("response", "x", now)).toEqual(bind("x", "b", now + 5));
    expect(await s.bindings.get("response", "y", now)).toEqual(bind("y", "a", now));
  });

  test("a notification reaches another connection's listener", async () => {
    const s = await fresh();
    const other = GatewayStore.open(s.url);
    stores.push(other);
    const got: string[] = [];
    const sub = await other.listen((p) => got.push(p));
    const t0 = performance.now();
    await s.notify({ t: "backoff", account: "a" });
    while (got.length === 0 && performance.now() - t0 < 2_000) await Bun.sleep(2);
    expect(JSON.parse(got[0] ?? "null")).toEqual({ t: "backoff", account: "a" });
    expect(performance.now() - t0).toBeLessThan(100);
    await sub.close();
  });
});

describe("schema state", () => {
  test.each([
    [{ applied: [], missing: ["0000_a", "0001_b"], unknown: [] }, "has no gateway schema yet"],
    [{ applied: ["0000_a"], missing: ["0001_b"], unknown: [] }, "is 1 migration(s) behind this prodex"],
    [{ applied: ["0000_a", "0001_b", "0002_c"], missing: [], unknown: ["0002_c"] }, "was migrated by a newer prodex"],
  ])("%p → %s", (state, message) => {
    expect(() => assertSchemaCurrent(state, "postgres://u:pw@h/db")).toThrow(message);
  });

  test("current: no error; the embedded migrations are what migrate applies", () => {
    expect(() =>
      assertSchemaCurrent({ applied: ["0000_a"], missing: [], unknown: [] }, "postgres://h/db"),
    ).not.toThrow();
    expect(migrations.length).toBeGreaterThan(0);
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "./store.ts";
import { StoreError } from "./errors.ts";
import type { StoredWindow } from "./schema.ts";

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "prodex-store-"));
  dirs.push(dir);
  return join(dir, "home", "prodex.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Store", () => {
  test("opens, migrates once, and reopens", () => {
    const path = tempDb();
    const a = Store.open(path);
    a.profiles.insert({ name: "main", codexHome: "/x", kind: "managed", accountId: "acct-1" });
    a.close();
    const b = Store.open(path);
    expect(b.profiles.list().map((p) => p.name)).toEqual(["main"]);
    expect(b.integrityCheck()).toEqual([]);
    b.close();
  });

  test("database file is 0600 in a 0700 directory", () => {
    const path = tempDb();
    Store.open(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  });

  test("account ids are unique, missing ones are not", () => {
    const s = Store.open(tempDb());
    s.profiles.insert({ name: "a", codexHome: "/a", kind: "managed", accountId: "acct-1" });
    s.profiles.insert({ name: "b", codexHome: "/b", kind: "managed" });
    s.profiles.insert({ name: "c", codexHome: "/c", kind: "managed" });
    expect(() => s.profiles.insert({ name: "d", codexHome: "/d", kind: "managed", accountId: "acct-1" })).toThrow();
    expect(s.profiles.byAccount("acct-1")?.name).toBe("a");
    s.close();
  });

  test("latest usage per profile and pruning keep the newest", () => {
    const s = Store.open(tempDb());
    const a = s.profiles.insert({ name: "a", codexHome: "/a", kind: "managed" });
    const b = s.profiles.insert({ name: "b", codexHome: "/b", kind: "managed" });
    const w: StoredWindow[] = [{ label: "5h", usedPercent: 10, windowSeconds: 18000, resetAt: null, limit: "codex" }];
    s.usage.insert({ profileId: a.id, fetchedAt: 1, source: "live", plan: "plus", windows: w });
    s.usage.insert({ profileId: a.id, fetchedAt: 5, source: "live", plan: "pro", windows: w });
    s.usage.insert({ profileId: b.id, fetchedAt: 2, source: "headers", plan: null, windows: [] });
    const latest = s.usage.latestAll();
    expect(latest.get(a.id)?.plan).toBe("pro");
    expect(latest.get(b.id)?.source).toBe("headers");
    expect(s.usage.prune(100)).toBe(1);
    expect(s.usage.latest(a.id)?.fetchedAt).toBe(5);
    expect(s.usage.latest(b.id)?.fetchedAt).toBe(2);
    s.close();
  });

  test("bindings expire and follow profile removal", () => {
    const s = Store.open(tempDb());
    const a = s.profiles.insert({ name: "a", codexHome: "/a", kind: "managed" });
    s.bindings.put("turn_state", "t1", a.id, 1000, 0);
    expect(s.bindings.get("turn_state", "t1", 500)?.profileId).toBe(a.id);
    expect(s.bindings.get("turn_state", "t1", 1500)).toBeUndefined();
    s.bindings.put("session", "s1", a.id, 10_000_000);
    s.profiles.remove("a");
    expect(s.bindings.count()).toBe(0);
    s.close();
  });

  test("events tail by id in order", () => {
    const s = Store.open(tempDb());
    const first = s.events.append({ at: 1, kind: "rotation", message: "a → b", profileName: "b" });
    s.events.append({ at: 2, kind: "backoff", message: "a backed off", profileName: "a" });
    expect(s.events.list({ afterId: first }).map((e) => e.kind)).toEqual(["backoff"]);
    expect(s.events.list({ profile: "b" }).map((e) => e.message)).toEqual(["a → b"]);
    expect(s.events.lastId()).toBe(first + 1);
    s.close();
  });

  test("backoffs keep the streak their writer counted", () => {
    const s = Store.open(tempDb());
    const a = s.profiles.insert({ name: "a", codexHome: "/a", kind: "managed" });
    s.backoffs.set(a.id, "transient", 2000, "503", 1000);
    expect(s.backoffs.set(a.id, "transient", 4000, "503", 2500, 2).attempts).toBe(2);
    expect([...s.backoffs.active(3000).keys()]).toEqual([a.id]);
    expect(s.backoffs.active(5000).size).toBe(0);
    s.close();
  });

  test("a corrupt file is one clear StoreError", () => {
    const path = tempDb();
    Store.open(path).close();
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    writeFileSync(path, "this is not a database, just text ".repeat(200));
    expect(() => Store.open(path)).toThrow(StoreError);
    try {
      Store.open(path);
    } catch (e) {
      expect((e as Error).message).toContain(path);
      expect((e as Error).message).toContain("move it aside");
    }
  });
});

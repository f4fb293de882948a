import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { Bindings } from "./bindings.ts";

let dir = "";
let ctx: Context | null = null;
afterEach(() => {
  ctx?.close();
  ctx = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(): Context {
  dir = mkdtempSync(join(tmpdir(), "prodex-bindings-"));
  ctx = new Context({
    env: { HOME: join(dir, "home"), PRODEX_HOME: join(dir, "prodex") },
    source: "test-bindings",
    eventMode: "buffered",
  });
  for (const name of ["p1", "p2"]) ctx.store.profiles.insert({ name, codexHome: join(dir, name), kind: "managed" });
  return ctx;
}

/** What another process (a fresh Bindings over the same store) sees. */
const seenElsewhere = (c: Context, kind: "session" | "turn_state", key: string) => new Bindings(c).lookup(kind, key);

describe("Bindings", () => {
  test("flush writes what bind() queued, for other processes to find", () => {
    const c = open();
    const b = new Bindings(c);
    b.bind("session", "s1", "p1");
    b.bind("turn_state", "t1", "p2");
    expect(seenElsewhere(c, "session", "s1")).toBeNull();
    b.flush();
    expect(seenElsewhere(c, "session", "s1")).toBe("p1");
    expect(seenElsewhere(c, "turn_state", "t1")).toBe("p2");
  });

  test("a profile removed and added again under its name between flushes still gets its bindings stored", () => {
    const c = open();
    const b = new Bindings(c);
    b.bind("session", "s1", "p1");
    b.flush(); // caches p1's id
    c.store.profiles.remove("p1");
    c.store.profiles.insert({ name: "p1", codexHome: join(dir, "p1"), kind: "managed" });
    b.bind("session", "s2", "p1");
    b.bind("turn_state", "t2", "p2");
    b.flush();
    expect(seenElsewhere(c, "session", "s2")).toBe("p1");
    expect(seenElsewhere(c, "turn_state", "t2")).toBe("p2");
  });

  test("bindings of a removed profile are dropped, the rest of the batch is kept", () => {
    const c = open();
    const b = new Bindings(c);
    b.bind("session", "s1", "p1");
    b.flush();
    c.store.profiles.remove("p1");
    b.bind("session", "s2", "p1");
    b.bind("session", "s3", "p2");
    b.flush();
    expect(seenElsewhere(c, "session", "s2")).toBeNull();
    expect(seenElsewhere(c, "session", "s3")).toBe("p2");
  });
});

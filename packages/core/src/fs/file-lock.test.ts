import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { LocalStateError } from "../errors.ts";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { withFileLock } from "./file-lock.ts";

const temp = useTempDirs("prodex-lock-");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("withFileLock", () => {
  test("holders of the same path never overlap", async () => {
    const path = join(temp(), "auth.json");
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        withFileLock(path, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(20);
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order.toSorted()).toEqual([0, 1, 2, 3, 4]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  test("different paths do not wait for each other", async () => {
    const dir = temp();
    let inside = 0;
    let maxInside = 0;
    const hold = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await sleep(50);
      inside--;
    };
    await Promise.all([withFileLock(join(dir, "a"), hold), withFileLock(join(dir, "b"), hold)]);
    expect(maxInside).toBe(2);
  });

  test("returns the value and releases after a throw", async () => {
    const path = join(temp(), "f");
    await expect(withFileLock(path, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(await withFileLock(path, async () => 42)).toBe(42);
  });

  test("creates the directory of a missing path", async () => {
    const path = join(temp(), "new", "home", "auth.json");
    expect(await withFileLock(path, async () => existsSync(join(path, "..")))).toBe(true);
  });

  test("takes over a stale lock left by a dead holder", async () => {
    const path = join(temp(), "auth.json");
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    expect(await withFileLock(path, async () => "got it", { staleMs: 5_000, waitMs: 2_000 })).toBe("got it");
  });

  test("a lock held too long is a typed error naming the file, not a raw ELOCKED", async () => {
    const path = join(temp(), "auth.json");
    let release = () => {};
    const held = withFileLock(path, () => new Promise<void>((r) => (release = r)));
    await sleep(50);
    const err = await withFileLock(path, async () => "never", { waitMs: 300 }).catch((e: unknown) => e);
    release();
    await held;
    expect(err).toBeInstanceOf(LocalStateError);
    expect((err as LocalStateError).message).toContain(path);
    expect((err as LocalStateError).message).not.toContain("\n");
  });

  test("takes over at once a lock whose holder was killed (its pid is gone), and the temp files it left", async () => {
    const dir = temp();
    const path = join(dir, "auth.json");
    const dead = await deadPid();
    mkdirSync(`${path}.lock`);
    writeFileSync(join(`${path}.lock`, "owner"), JSON.stringify({ pid: dead, host: hostname() }));
    writeFileSync(join(dir, `.auth.json.${dead}.abc.tmp`), "half a write");
    // Fresh mtime: proper-lockfile alone would wait staleMs; a one-second wait proves the pid check.
    expect(await withFileLock(path, async () => "got it", { staleMs: 60_000, waitMs: 1_000 })).toBe("got it");
    expect(readdirSync(dir)).toEqual([]);
  });

  test("a live holder's lock is not taken over, however it was found", async () => {
    const path = join(temp(), "auth.json");
    mkdirSync(`${path}.lock`);
    writeFileSync(join(`${path}.lock`, "owner"), JSON.stringify({ pid: process.pid, host: hostname() }));
    const err = await withFileLock(path, async () => "never", { staleMs: 60_000, waitMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStateError);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  test("while held, the lock names its holder; released, nothing is left", async () => {
    const path = join(temp(), "auth.json");
    const owner = await withFileLock(path, async () => JSON.parse(await Bun.file(join(`${path}.lock`, "owner")).text()) as unknown);
    expect(owner).toEqual({ pid: process.pid, host: hostname() });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

/** A pid that certainly ran and is gone now. */
async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

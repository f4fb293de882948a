import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { LocalStateError } from "../errors.ts";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { withFileLock } from "./file-lock.ts";

const temp = useTempDirs("prodex-lock-");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOLDER = join(import.meta.dir, "fixtures", "lock-holder.ts");

describe("withFileLock", () => {
  test("holders of the same path never overlap; released, the lock file is empty", async () => {
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
    expect(readFileSync(`${path}.lock`, "utf8")).toBe("");
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
    expect(await withFileLock(path, async () => 42, { waitMs: 0 })).toBe(42);
  });

  test("creates the directory of a missing path", async () => {
    const path = join(temp(), "new", "home", "auth.json");
    expect(await withFileLock(path, async () => existsSync(join(path, "..")))).toBe(true);
  });

  test("a lock held too long is a typed error naming the file, not a raw errno", async () => {
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

  test("while held, the lock file names its holder", async () => {
    const path = join(temp(), "auth.json");
    const owner = await withFileLock(path, async () => JSON.parse(readFileSync(`${path}.lock`, "utf8")) as unknown);
    expect(owner).toEqual({ pid: process.pid, host: hostname() });
  });
});

describe("withFileLock across processes", () => {
  test("a live holder's lock is never taken, however abandoned its file looks", async () => {
    const dir = temp();
    const path = join(dir, "auth.json");
    const holder = await startHolder(path);
    const ino = statSync(`${path}.lock`).ino;
    // Everything the old reclaim looked at says "abandoned": a dead pid as owner, an hour-old mtime.
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: await deadPid(), host: hostname() }));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${path}.lock`, old, old);
    const err = await withFileLock(path, async () => "taken", { waitMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStateError);
    expect(statSync(`${path}.lock`).ino).toBe(ino);
    expect(await stopHolder(holder)).toContain("released");
    expect(await withFileLock(path, async () => "now free", { waitMs: 0 })).toBe("now free");
  }, 20_000);

  test("a holder killed while holding frees the lock at once, and its half-written temp file is removed", async () => {
    const dir = temp();
    const path = join(dir, "auth.json");
    const holder = await startHolder(path);
    expect(readdirSync(dir).some((n) => n.endsWith(".tmp"))).toBe(true);
    holder.proc.kill("SIGKILL");
    await holder.proc.exited;
    expect(await withFileLock(path, async () => "got it", { waitMs: 1_000 })).toBe("got it");
    expect(readdirSync(dir).toSorted()).toEqual(["auth.json.lock"]);
  }, 20_000);

  test("an older prodex's lock directory: kept while its owner lives, taken over once the owner is gone", async () => {
    const path = join(temp(), "auth.json");
    mkdirSync(`${path}.lock`);
    writeFileSync(join(`${path}.lock`, "owner"), JSON.stringify({ pid: process.pid, host: hostname() }));
    const err = await withFileLock(path, async () => "never", { waitMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStateError);
    expect(statSync(`${path}.lock`).isDirectory()).toBe(true);
    writeFileSync(join(`${path}.lock`, "owner"), JSON.stringify({ pid: await deadPid(), host: hostname() }));
    expect(await withFileLock(path, async () => "got it", { waitMs: 1_000 })).toBe("got it");
    expect(statSync(`${path}.lock`).isFile()).toBe(true);
  });
});

type Holder = Awaited<ReturnType<typeof startHolder>>;

async function startHolder(path: string) {
  const proc = Bun.spawn(["bun", HOLDER, path], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  const out = proc.stdout.getReader();
  const { value } = await out.read();
  expect(new TextDecoder().decode(value)).toContain("held");
  return { proc, out };
}

async function stopHolder(h: Holder): Promise<string> {
  h.proc.stdin.end();
  let text = "";
  for (let r = await h.out.read(); !r.done; r = await h.out.read()) text += new TextDecoder().decode(r.value);
  expect(await h.proc.exited).toBe(0);
  return text;
}

/** A pid that certainly ran and is gone now. */
async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

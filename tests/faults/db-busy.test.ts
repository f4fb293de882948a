import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// A busy database (another process holding SQLite's write lock, or PRODEX_FAULTS=db.busy): a
// start-up write waits like every other write; one that cannot succeed is "database busy, retry"
// and exit 4 (docs/exit-codes.md: local state), never "unexpected error … please report it".

const openEnv = useCliEnvs();
const HOLDER = join(import.meta.dir, "fixtures", "hold-write-lock.ts");

/** Another process takes the database's write lock for `ms`; resolves once it holds it. */
async function holdWriteLock(dbPath: string, ms: number): Promise<Promise<number>> {
  const p = Bun.spawn(["bun", HOLDER, dbPath, String(ms)], {
    stdout: "pipe",
    stderr: "inherit",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  const reader = p.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("locked");
  reader.releaseLock();
  return p.exited;
}

describe("busy database", () => {
  test("prodex serve starts while another process holds the write lock through its start-up writes", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    // 0.6 s turns for longer than serve takes to start (a single 0.6 s hold only sometimes
    // overlaps the registration): its start-up writes meet the lock.
    const released = await holdWriteLock(join(world.env.PRODEX_HOME as string, "prodex.db"), 4_000);
    const serving = startProdex(["serve", "--json"], world.env);
    const info = JSON.parse(await serving.firstLine) as { url: string };
    expect(info.url).toStartWith("http://127.0.0.1:");
    expect(await released).toBe(0);
    serving.proc.kill("SIGTERM");
    expect(await serving.exit(15_000), serving.stderr()).toBe(0);
    expect(serving.stderr()).not.toContain("unexpected error");
  }, 30_000);

  test("prodex serve with PRODEX_FAULTS=db.busy:1: the registration waits and the proxy serves", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const serving = startProdex(["serve", "--json"], { ...world.env, PRODEX_FAULTS: "db.busy:1" });
    const info = JSON.parse(await serving.firstLine) as { url: string };
    expect(info.url).toStartWith("http://127.0.0.1:");
    serving.proc.kill("SIGTERM");
    expect(await serving.exit(15_000), serving.stderr()).toBe(0);
    expect(serving.stderr()).not.toContain("unexpected error");
  }, 30_000);

  const writes: [string, string[]][] = [
    ["prodex use", ["use", "p2"]],
    ["prodex profile add", ["profile", "add", "p9"]],
  ];
  for (const [what, args] of writes) {
    test(`${what} under db.busy: "database busy, retry", exit 4, one line and a hint`, async () => {
      const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
      const r = await world.prodex(args, { env: { PRODEX_FAULTS: "db.busy" } });
      expect(r.code, failure(r)).toBe(4);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toBe("prodex: database busy, retry in a moment");
      expect(lines.slice(1).join("\n")).not.toContain("please report it");
      expect(lines).toHaveLength(2);
      // Nothing half-done: the same command works once the database answers.
      const again = await world.prodex(args);
      expect(again.code, failure(again)).toBe(0);
    }, 30_000);
  }
});

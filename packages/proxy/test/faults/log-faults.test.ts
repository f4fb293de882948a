import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { TWO_ACCOUNTS, ask, readAll, servesCleanly, types, useFaultWorlds } from "../helpers/fault-world.ts";

// A full disk under the runtime log (PRODEX_FAULTS=log.disk_full: each append writes part of its
// lines, then fails with ENOSPC) must never affect serving; once the disk takes writes again the
// log goes on, on a fresh line, saying how many lines it lost.

const openWorld = useFaultWorlds();

type Record = { message: string; lines?: number; error?: string; profile?: string };

function records(path: string): { parsed: Record[]; broken: number } {
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  const parsed = lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record];
    } catch {
      return [];
    }
  });
  return { parsed, broken: lines.length - parsed.length };
}

describe("runtime log on a full disk", () => {
  test("every append failing: requests (and a rotation) are served as usual", async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    w.mock.fault("acct-a", { kind: "server_error", status: 502 });
    const { proxy, ctx } = await w.start("log.disk_full", { logFormat: "json" });
    for (let i = 0; i < 3; i++) {
      const body = await readAll(await ask(proxy, `turn ${i}`));
      expect(body.error).toBeNull();
      expect(types(body.text)).toContain("response.completed");
      proxy.state.log.flush();
    }
    expect(ctx.faults?.count("log.disk_full")).toBeGreaterThanOrEqual(3);
    expect(w.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId}:${q.status}`)).toEqual([
      "acct-a:502",
      "acct-b:200",
      "acct-b:200",
      "acct-b:200",
    ]);
    expect(w.integrity()).toEqual([]);
    const next = await servesCleanly(w);
    expect(next.ok, next.detail).toBe(true);
  }, 20_000);

  test("the disk fills, then frees: the log resumes on a fresh line and counts what it lost", async () => {
    const w = await openWorld(TWO_ACCOUNTS);
    const { proxy } = await w.start("log.disk_full:2", { logFormat: "json" });
    for (let i = 0; i < 3; i++) {
      expect(types((await readAll(await ask(proxy, `turn ${i}`))).text)).toContain("response.completed");
      proxy.state.log.flush();
    }
    const { parsed, broken } = records(proxy.runtimeLogPath);
    // Two failed appends leave at most two partial lines; nothing after them is glued on.
    expect(broken).toBeLessThanOrEqual(2);
    const lost = parsed.find((r) => r.message === "runtime log lines lost");
    expect(lost?.lines).toBeGreaterThan(0);
    expect(lost?.error).toContain("ENOSPC");
    expect(parsed.filter((r) => r.message === "request").length).toBeGreaterThanOrEqual(1);
    expect(w.integrity()).toEqual([]);
  }, 20_000);
});

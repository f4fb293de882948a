import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";

// The real Codex CLI (@openai/codex, pinned) through `prodex exec`, against the mock backend.

const openEnv = useCliEnvs();

/** Every runtime log the launch (and its broker) wrote. */
function runtimeLogs(env: Record<string, string>): string {
  const dir = env.PRODEX_RUNTIME_LOG_DIR as string;
  return readdirSync(dir)
    .filter((n) => n.endsWith(".log"))
    .map((n) => readFileSync(join(dir, n), "utf8"))
    .join("\n");
}

describe("prodex exec with the real Codex CLI", () => {
  test("the first account exhausted by its usage window: the launch picks another", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 1200 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(r.stderr).toContain("starting on p2");
    const served = world.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => q.accountId);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((id) => id === "acct-b")).toBe(true);
    // Codex's workspace check carries its own login, which the pool knows: answered by the pool,
    // not passed upstream as sent (what a caller with only the path id gets). Only `ps/mcp`,
    // which Codex 0.169 sends with no login at all, goes as sent, as it would without prodex.
    expect(world.mock.requests({ path: "/backend-api/wham/accounts/check" })).toEqual([]);
    const asSent = [...runtimeLogs(world.env).matchAll(/keyless route passed as sent path=(\S+)/g)].map((m) => m[1]);
    expect(asSent.filter((path) => path !== "/ps/mcp")).toEqual([]);
  }, 90_000);

  test("the first account answers 429 usage_limit_reached on /responses: the answer still prints, exit 0", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 50 } },
    ]);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    expect(r.stderr).not.toContain("usage limit");
    const served = world.mock
      .requests({ path: "/backend-api/codex/responses" })
      .map((q) => `${q.accountId}:${q.status}`);
    expect(served).toContain("acct-a:429");
    expect(served).toContain("acct-b:200");
  }, 90_000);

  test("a tool-call turn keeps its account", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 40 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    const r = await world.prodex([
      "exec",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "use the tool please",
    ]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("tool said:");
    expect(r.stdout).toContain("tool-ran");
    const turn = world.mock.requests({ path: "/backend-api/codex/responses" }).filter((q) => q.status === 200);
    expect(turn.length).toBeGreaterThanOrEqual(2);
    expect(new Set(turn.map((q) => q.accountId)).size).toBe(1);
  }, 90_000);

  test("an account runs out between the tool call and its result: the turn moves, the other account's reasoning stays behind", async () => {
    // acct-a is spent by the first request of the turn (40% + 60%); the second, carrying acct-a's
    // encrypted reasoning, must reach acct-b without it (the mock refuses foreign reasoning with 400).
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 40 }, costPercent: 60 },
      { id: "acct-b", primary: { usedPercent: 45 } },
    ]);
    const r = await world.prodex([
      "exec",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "use the tool please",
    ]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("tool said:");
    expect(r.stdout).toContain("tool-ran");
    const inference = world.mock.requests({ path: "/backend-api/codex/responses" }).filter((q) => q.status !== 101);
    const served = inference.map((q) => `${q.accountId}:${q.status}`);
    // The prewarm and the tool call on acct-a, the tool result refused there (spent), then acct-b.
    expect(served.slice(-2)).toEqual(["acct-a:429", "acct-b:200"]);
    expect(served.some((x) => x.endsWith(":400"))).toBe(false);
    type Body = { previous_response_id?: string; input?: { type: string; encrypted_content?: string }[] } | null;
    const bodyOf = (i: number) => inference.at(i)?.body as Body;
    // Codex chained the tool result on acct-a's response; acct-b got the whole turn instead (the call,
    // its result), without the reasoning acct-a encrypted.
    expect(bodyOf(-2)?.previous_response_id).toBeString();
    expect(bodyOf(-1)?.previous_response_id).toBeUndefined();
    const moved = bodyOf(-1)?.input ?? [];
    expect(moved.some((i) => i.type === "function_call")).toBe(true);
    expect(JSON.stringify(moved)).toContain("tool-ran");
    expect(moved.filter((i) => i.type === "reasoning" && i.encrypted_content)).toEqual([]);
  }, 90_000);

  test("piped stdin reaches codex exec", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 5 } }]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "-"], { stdin: "say hi from stdin\n" });
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("hi from mock");
    const last = world.mock.requests({ path: "/backend-api/codex/responses" }).at(-1);
    expect(JSON.stringify(last?.body)).toContain("say hi from stdin");
  }, 90_000);

  test("no ready profile: a clear line naming the earliest reset, exit 2", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
      { id: "acct-b", secondary: { usedPercent: 100, resetAfterSeconds: 6000 } },
    ]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"]);
    expect(r.code, failure(r)).toBe(2);
    expect(r.stderr).toContain("no profile can serve now");
    expect(r.stderr).toContain("earliest resets");
    expect(r.stderr).not.toContain("    at ");
  }, 90_000);
});

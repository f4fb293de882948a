import { describe, expect, test } from "bun:test";
import { useCliEnvs } from "@prodex/testkit/cli-env";

// `prodex exec` (and `prodex claude -- -p`) in a pipeline behave like the clients: stdout carries only the agent's output,
// prodex's own messages go to stderr (none with --quiet), and nothing waits for a terminal.

const openEnv = useCliEnvs();

describe("exec in a pipeline", () => {
  test("stdout is exactly the agent's answer; prodex's notes are on stderr", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 900 } },
      { id: "acct-b" },
    ]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "-c", "analytics.enabled=false", "say hi"], {
      env: { CI: "true" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    expect(r.stderr).toContain("prodex: starting on p2");
  }, 90_000);

  test("--quiet: not one prodex line anywhere", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 900 } },
      { id: "acct-b" },
    ]);
    const r = await world.prodex(
      ["exec", "--quiet", "--skip-git-repo-check", "-c", "analytics.enabled=false", "say hi"],
      { env: { CI: "true" } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    // Codex's own stderr stays (it says "provider: prodex"); prodex itself says nothing.
    expect(r.stderr.split("\n").filter((l) => l.startsWith("prodex"))).toEqual([]);
  }, 90_000);

  test("claude -p --quiet: stdout is Claude's answer, stderr has no prodex line", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const r = await world.prodex(["claude", "--quiet", "--", "-p", "say hi"], { env: { CI: "true" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("prodex"))).toEqual([]);
  }, 90_000);

  test("input on stdin is the prompt, as with codex exec -", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const r = await world.prodex(["exec", "-q", "--skip-git-repo-check", "-c", "analytics.enabled=false", "-"], {
      stdin: "say hi from a pipe\n",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
  }, 90_000);

  test("without a terminal nothing waits for input: a password prompt fails at once with the way out", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const started = Date.now();
    const r = await world.prodex(["profile", "export", "--password", "-"], { env: { CI: "true" }, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stdin is not a terminal");
    expect(r.stderr).toContain("PRODEX_BUNDLE_PASSWORD");
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});

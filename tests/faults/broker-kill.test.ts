import { describe, expect, test } from "bun:test";
import { authSnapshot, integrityProblems } from "@prodex/testkit/integrity";
import { gone, registeredBrokers } from "@prodex/testkit/brokers";
import { type CliEnv, failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// The shared broker killed with SIGKILL while it streams an answer to the real Codex CLI
// (`prodex exec`). Codex sees its stream break and keeps retrying the same URL; the launch's
// heartbeat finds its broker dead and starts a new one on the same port, which takes the lease
// back, so the same `prodex exec` finishes its answer. The store and every auth.json are
// intact, and the next `prodex exec` answers too, with no manual step.

const openEnv = useCliEnvs();

async function activeStreams(w: CliEnv): Promise<number> {
  const res = await fetch(`${w.mock.url}/__mock/state`);
  return ((await res.json()) as { activeStreams: number }).activeStreams;
}

describe("broker killed mid-stream", () => {
  test("the stream breaks, a new broker takes the dead one's port and lease, the launch finishes; the next prodex exec answers", async () => {
    // A slow answer (about 4 s of deltas), so the broker dies in the middle of it.
    const world = await openEnv(
      [
        { id: "acct-a", primary: { usedPercent: 10 } },
        { id: "acct-b", primary: { usedPercent: 20 } },
      ],
      { stream: { chunks: 16, chunkDelayMs: 250 } },
    );
    const w = world;
    const home = w.env.PRODEX_HOME as string;
    const good = authSnapshot(home);

    const first = startProdex(["exec", "--skip-git-repo-check", "say hi"], w.env);
    const until = Date.now() + 30_000;
    while ((await activeStreams(w)) === 0 && first.proc.exitCode === null && Date.now() < until) await Bun.sleep(50);
    expect(await activeStreams(w), first.stderr()).toBeGreaterThan(0);
    const [killed] = registeredBrokers(home);
    expect(killed).toBeNumber();
    process.kill(killed as number, "SIGKILL");
    expect(await gone(killed as number, 5_000)).toBe(true);

    const code = await first.exit(45_000);
    const out = { code, stdout: first.stdout(), stderr: first.stderr() };
    expect(code, failure(out)).toBe(0);
    expect(out.stdout).toContain("hi from mock");
    // Codex saw the break (and retried); prodex says what happened once the agent is done.
    expect(out.stderr).toContain("Reconnecting");
    expect(out.stderr).toMatch(
      new RegExp(
        `the shared proxy \\(pid ${killed}\\) died during the run; a new one \\(pid \\d+\\) took over on its port`,
      ),
    );
    const [revived] = registeredBrokers(home);
    expect(revived).toBeNumber();
    expect(revived).not.toBe(killed);
    // The broken answer, then the retried one that completed.
    const answers = w.mock.requests({ path: "/backend-api/codex/responses" });
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(integrityProblems(home, good)).toEqual([]);

    w.mock.setOptions({ stream: {} });
    const next = await w.prodex(["exec", "--skip-git-repo-check", "say hi again"], { timeoutMs: 30_000 });
    expect(next.code, failure(next)).toBe(0);
    expect(next.stdout).toContain("hi from mock");
    expect(registeredBrokers(home)).toHaveLength(1);
    expect(integrityProblems(home, good)).toEqual([]);
  }, 60_000);
});

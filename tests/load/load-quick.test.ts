import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type LoadReport, loadReport } from "../../tools/load/lib/report-schema.ts";

// `bun run load --quick`: the harness end to end (mock and proxy in their own processes) at CI
// size. It checks the harness's exit code and its report's fields; speed is the harness's business
// on full runs, so no figure here is a timing.
const main = join(import.meta.dir, "../../tools/load/main.ts");

async function load(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err };
}

async function quick(scenario: string, extra: string[] = []): Promise<LoadReport> {
  const { code, out, err } = await load(["--scenario", scenario, "--quick", "--json", ...extra]);
  const lines = out.trim().split("\n");
  expect(lines).toHaveLength(1);
  const r = loadReport.parse(JSON.parse(lines[0] ?? ""));
  if (code !== 0)
    throw new Error(
      `load ${scenario} exited ${code}: ${err
        .split("\n")
        .filter((l) => l.startsWith("load:"))
        .join("; ")}`,
    );
  expect(r.scenario).toBe(scenario);
  expect(r.ok).toBe(true);
  expect(r.verdicts.filter((v) => v.enforced && !v.ok)).toEqual([]);
  expect(r.metrics.errorsWhileReady).toBe(0);
  expect(r.metrics.orderViolations).toBe(0);
  expect(r.metrics.incomplete).toBe(0);
  expect(r.mock.activeStreamsAfter).toBe(0);
  expect(r.memory.beforeMb).toBeGreaterThan(0);
  return r;
}

const verdict = (r: LoadReport, name: string) => r.verdicts.find((v) => v.name === name);

describe("bun run load --quick", () => {
  test("baseline: Codex and Claude requests all complete; status and route mix are reported", async () => {
    const r = await quick("baseline");
    expect(r.metrics.errors).toBe(0);
    expect(r.metrics.completed).toBe(r.metrics.requests);
    expect(r.metrics.statuses).toEqual({ "200": r.metrics.requests });
    expect(r.metrics.routes["codex-sse"]?.requests).toBeGreaterThan(0);
    expect(r.metrics.routes.claude?.requests).toBeGreaterThan(0);
    expect(r.metrics.total.p99).not.toBeNull();
    // Latency goals are reported but only enforced on full runs.
    expect(verdict(r, "latency p99")?.enforced).toBe(false);
  }, 45_000);

  test("long-stream: every answer's 64 deltas arrive whole and in order", async () => {
    const r = await quick("long-stream");
    expect(r.metrics.completed).toBe(r.metrics.requests);
    expect(r.metrics.deltas).toBe(64 * r.metrics.completed);
    expect(verdict(r, "order violations")).toMatchObject({ ok: true, figure: "0" });
  }, 45_000);

  test("rotation-storm: every account runs out in turn, no client error while one is ready, the rotation sequence is reported", async () => {
    const r = await quick("rotation-storm");
    expect(r.stoppedBy).toBe("no account left");
    expect(r.accounts.every((a) => a.exhausted)).toBe(true);
    expect(r.pool.rotations).toBeGreaterThanOrEqual(r.accounts.length - 1);
    expect(new Set(r.pool.sequence.map((s) => s.profile)).size).toBe(r.accounts.length);
    expect(r.pool.backoffs.quota).toBeGreaterThanOrEqual(r.accounts.length);
    // Only the pool's own "everyone is out" answers fail, once nothing could serve.
    expect(Object.keys(r.metrics.statuses).filter((s) => s !== "200" && s !== "429")).toEqual([]);
  }, 45_000);

  test("abort-soak: a few hundred streams cancelled mid-answer; the mock sees none left open and RSS comes back", async () => {
    const r = await quick("abort-soak");
    expect(r.metrics.aborted).toBeGreaterThanOrEqual(200);
    expect(r.metrics.errors).toBe(0);
    expect(verdict(r, "RSS growth after settle")).toMatchObject({ ok: true, enforced: true });
    expect(r.memory.growthPct).not.toBeNull();
  }, 45_000);

  test("a threshold past its limit exits 1 and names it", async () => {
    // Five requests cannot exhaust four accounts: the storm's own threshold fails.
    const { code, out, err } = await load(["--scenario", "rotation-storm", "--quick", "--requests", "5"]);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL {2}every account exhausted by the end: still serving: /m);
    expect(err).toMatch(/^load: threshold failed — every account exhausted by the end: /m);
  }, 45_000);

  test("a usage mistake gets one clear line and exit code 2", async () => {
    const { code, err } = await load(["--scenario", "nope"]);
    expect(code).toBe(2);
    expect(err.split("\n")[0]).toBe(
      'load: unknown scenario "nope" (one of baseline, slow-client, slow-upstream, long-stream, stress, spike, abort-soak, rotation-storm)',
    );
  });
});

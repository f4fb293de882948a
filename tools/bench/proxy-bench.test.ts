import { describe, expect, test } from "bun:test";
import { join } from "node:path";

// `bun run bench:proxy --quick` runs end to end and prints its report. Speed is the bench's
// business, never a test's: nothing here looks at a figure.
const script = join(import.meta.dir, "proxy.bench.ts");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, script, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err };
}

describe("bench:proxy", () => {
  test("--quick prints the table and a verdict per target, and every request through the proxy completes", async () => {
    const { code, out, err } = await run(["--quick"]);
    expect(err).not.toContain("the run failed");
    expect(code).toBe(0);
    for (const variant of ["direct", "floor", "prodex"]) {
      expect(out).toMatch(new RegExp(`^c=1\\s+${variant}\\s+\\d+`, "m"));
      expect(out).toMatch(new RegExp(`^c=8\\s+${variant}\\s+\\d+`, "m"));
    }
    expect(out).toContain("SSE (HTTP POST …/responses)");
    expect(out).toMatch(/websocket \(response\.create frames\)|websocket: skipped — /);
    for (const target of [
      "SSE added p50 @c=1",
      "SSE added p99 @c=1",
      "SSE throughput @c=8",
      "websocket added p50 @c=1",
      "websocket throughput @c=8",
      "prodex RSS after",
      "select() p99",
      "PoolRuntime.choose p99",
    ]) {
      expect(out).toMatch(new RegExp(`^(PASS|MISS|SKIP)  ${target.replace(/[.()@]/g, "\\$&")}`, "m"));
    }
    expect(out).toMatch(/^PASS {2}every measured request completed: 0 failed/m);
  }, 300_000);

  test("a bad flag gets one clear line and exit code 2", async () => {
    const { code, err } = await run(["--bogus"]);
    expect(code).toBe(2);
    expect(err).toMatch(/^bench:proxy: .*bogus/);
    expect(err).toContain("usage: ");
  });
});

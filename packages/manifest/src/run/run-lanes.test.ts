import { describe, expect, test } from "bun:test";
import type { Lane } from "../plan/lanes.ts";
import { printSummary, summaryLine, type LaneResult } from "./run-lanes.ts";
import type { UnitResult } from "./run-unit.ts";

const lane = (name: string, blocking: boolean, units: number): Lane => ({
  name,
  blocking,
  mode: "serial",
  units: Array.from({ length: units }, (_, i) => ({
    id: `${name}-${i}`,
    lane: name,
    label: name,
    jobs: [],
    weight: 0,
    timeoutMs: 1,
  })),
});
const unit = (l: Lane, passed: number, failed: number, problems: string[] = []): UnitResult => {
  const u = l.units[0];
  if (!u) throw new Error("lane without units");
  return {
    unit: u,
    slot: 0,
    jobs: [],
    counts: { passed, failed, skipped: 0 },
    ms: 1,
    ok: failed === 0 && problems.length === 0,
    timedOut: false,
    problems,
  };
};
const result = (l: Lane, units: UnitResult[]): LaneResult => ({
  lane: l,
  units,
  counts: units.reduce(
    (c, u) => ({ passed: c.passed + u.counts.passed, failed: c.failed + u.counts.failed, skipped: 0 }),
    { passed: 0, failed: 0, skipped: 0 },
  ),
  status: l.units.length === 0 ? "empty" : units.every((u) => u.ok) ? "passed" : "failed",
  ms: 1,
});

function summary(results: LaneResult[], requireTests = true): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  const ok = printSummary(results, (l) => lines.push(l), requireTests);
  return { ok, lines };
}

describe("printSummary", () => {
  const fast = lane("fast", true, 1);
  const q = lane("quarantine", false, 1);
  const empty = lane("serial-core", true, 0);

  test("every lane prints its N passed, N failed, N skipped line; the total comes last", () => {
    const { ok, lines } = summary([result(fast, [unit(fast, 5, 0)]), result(empty, []), result(q, [unit(q, 1, 0)])]);
    expect(ok).toBe(true);
    expect(lines).toContain("fast: 5 passed, 0 failed, 0 skipped");
    expect(lines).toContain("serial-core: 0 passed, 0 failed, 0 skipped");
    expect(lines.some((l) => l.startsWith("[serial-core] empty"))).toBe(true);
    expect(lines.at(-1)).toBe("total: 5 passed, 0 failed, 0 skipped");
  });

  test("a failing quarantine lane is reported but does not fail the run or the total", () => {
    const { ok, lines } = summary([result(fast, [unit(fast, 5, 0)]), result(q, [unit(q, 0, 2)])]);
    expect(ok).toBe(true);
    expect(lines).toContain("quarantine: 0 passed, 2 failed, 0 skipped");
    expect(lines.find((l) => l.startsWith("[quarantine]"))).toMatch(/non-blocking/);
    expect(lines.at(-1)).toBe("total: 5 passed, 0 failed, 0 skipped");
  });

  test("a blocking lane that ran zero tests fails", () => {
    const { ok, lines } = summary([result(fast, [unit(fast, 0, 0, ["ran zero tests"])])]);
    expect(ok).toBe(false);
    expect(lines.find((l) => l.startsWith("[fast]"))).toMatch(/FAILED \(fast-0: ran zero tests\)/);
  });

  test("only empty lanes: fine for optional suites, a failure where tests are required", () => {
    expect(summary([result(empty, [])], false).ok).toBe(true);
    expect(summary([result(empty, [])], true).ok).toBe(false);
  });

  test("summaryLine format", () => {
    expect(summaryLine("x", { passed: 1, failed: 2, skipped: 3 })).toBe("x: 1 passed, 2 failed, 3 skipped");
  });
});

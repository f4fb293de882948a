import { describe, expect, test } from "bun:test";
import { metrics } from "./metrics.ts";
import { type Report, SCHEMA, failed, verdicts } from "./report.ts";
import { scenarios } from "./scenarios.ts";
import type { Outcome } from "./types.ts";

const done = (seq: number, total: number): Outcome => ({
  seq,
  route: "codex-sse",
  phase: "main",
  at: seq,
  end: seq + total,
  status: 200,
  ttfb: 5,
  total,
  completed: true,
  aborted: false,
  error: null,
  deltas: 16,
  orderViolations: 0,
  incomplete: false,
  bytes: 1000,
  readyAfterError: null,
});

function run(
  outcomes: Outcome[],
  extra: Partial<Omit<Report, "verdicts" | "ok">> = {},
): Omit<Report, "verdicts" | "ok"> {
  return {
    schema: SCHEMA,
    scenario: "baseline",
    summary: "",
    quick: false,
    transport: "sse",
    target: "t",
    plan: { requests: outcomes.length, concurrency: 1, durationSec: 60, phases: [], warmup: 0 },
    stoppedBy: "requests",
    wallMs: 1000,
    metrics: metrics(outcomes, 1000),
    pool: { rotations: 0, retries: 0, backoffs: {}, sequence: [], profiles: [], log: null },
    accounts: [
      { id: "a", profile: "p1", exhausted: false, usedPercent: 10, requests: 1, completed: 1, limited: 0, errors: 0 },
    ],
    readinessLost: [],
    memory: {
      beforeMb: 60,
      peakMb: 80,
      afterMb: 66,
      growthPct: 10,
      peakGrowthMb: 20,
      perRequestKiB: 1,
      heldMb: null,
      heldGrowthMb: null,
      inFlightMb: null,
    },
    mock: { activeStreamsAfter: 0, drainMs: 1, stall: null },
    ...extra,
  };
}

const names = (r: Omit<Report, "verdicts" | "ok">, t = scenarios.baseline.thresholds) =>
  failed(verdicts(r, t)).map((v) => v.name);
const ok = Array.from({ length: 10 }, (_, i) => done(i, 20));

describe("load verdicts", () => {
  test("a clean run passes every threshold", () => {
    expect(names(run(ok))).toEqual([]);
  });

  const cases: { name: string; report: Omit<Report, "verdicts" | "ok">; fails: string[] }[] = [
    {
      name: "one failure",
      report: run([...ok, { ...done(10, 5), completed: false, status: 503, error: "HTTP 503", readyAfterError: [] }]),
      fails: ["error rate"],
    },
    {
      name: "a failure while an account was ready",
      report: run([
        ...ok,
        { ...done(10, 5), completed: false, status: 503, error: "HTTP 503", readyAfterError: ["a"] },
      ]),
      fails: ["error rate", "client errors while an account was ready"],
    },
    {
      name: "deltas out of order",
      report: run([...ok, { ...done(10, 20), orderViolations: 2 }]),
      fails: ["order violations"],
    },
    {
      name: "an answer not whole",
      report: run([...ok, { ...done(10, 20), incomplete: true }]),
      fails: ["incomplete answers"],
    },
    { name: "slow p99", report: run([...ok, done(10, 5_000)]), fails: ["latency p99"] },
    {
      name: "RSS kept",
      report: run(ok, {
        memory: {
          beforeMb: 60,
          peakMb: 100,
          afterMb: 95,
          growthPct: 58,
          peakGrowthMb: 40,
          perRequestKiB: 3500,
          heldMb: null,
          heldGrowthMb: null,
          inFlightMb: null,
        },
      }),
      fails: ["RSS growth after settle"],
    },
    {
      name: "RSS not measurable",
      report: run(ok, {
        memory: {
          beforeMb: null,
          peakMb: null,
          afterMb: null,
          growthPct: null,
          peakGrowthMb: null,
          perRequestKiB: null,
          heldMb: null,
          heldGrowthMb: null,
          inFlightMb: null,
        },
      }),
      fails: ["RSS growth after settle"],
    },
    {
      name: "a stream left open upstream",
      report: run(ok, { mock: { activeStreamsAfter: 3, drainMs: null, stall: null } }),
      fails: ["mock streams still open after the run"],
    },
    { name: "no request ran", report: run([]), fails: ["requests ran", "latency p99", "time to first byte p99"] },
  ];
  for (const c of cases) test(c.name, () => expect(names(c.report)).toEqual(c.fails));

  test("latency is reported but not enforced on --quick runs", () => {
    const vs = verdicts({ ...run([...ok, done(10, 5_000)]), quick: true }, scenarios.baseline.thresholds);
    expect(vs.find((v) => v.name === "latency p99")).toMatchObject({ ok: false, enforced: false });
    expect(failed(vs)).toEqual([]);
  });

  test("slow clients: what the target holds against the answers in flight", () => {
    const t = scenarios["slow-client"].thresholds;
    const memory = {
      beforeMb: 60,
      peakMb: 200,
      afterMb: 62,
      growthPct: 3,
      peakGrowthMb: 140,
      perRequestKiB: 60,
      heldMb: 63,
      heldGrowthMb: 3,
      inFlightMb: 60,
    };
    expect(names(run(ok, { memory }), t)).toEqual([]);
    expect(names(run(ok, { memory: { ...memory, heldMb: 100, heldGrowthMb: 40 } }), t)).toEqual([
      "RSS held while clients sit on unread answers (after a GC)",
    ]);
  });

  test("a storm must end with every account exhausted", () => {
    const t = scenarios["rotation-storm"].thresholds;
    const r = run(ok, { stoppedBy: "requests" });
    expect(verdicts(r, t).find((v) => v.name === "every account exhausted by the end")).toMatchObject({
      ok: false,
      figure: "still serving: p1 (stopped by requests)",
    });
    expect(
      names(
        run(ok, {
          accounts: [
            {
              id: "a",
              profile: "p1",
              exhausted: true,
              usedPercent: 100,
              requests: 5,
              completed: 4,
              limited: 1,
              errors: 0,
            },
          ],
        }),
        t,
      ),
    ).toEqual([]);
  });
});

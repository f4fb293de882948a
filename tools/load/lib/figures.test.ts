import { describe, expect, test } from "bun:test";
import { memoryFigures, poolFigures } from "./figures.ts";
import type { PoolEvent } from "./observers.ts";

const ev = (at: number, kind: string, profile: string | null, message: string, data?: unknown): PoolEvent => ({
  at,
  kind,
  profile,
  message,
  data,
});

describe("report figures", () => {
  test("pool: only the run's events count; serving starts with the profile serving at the start", () => {
    const events = [
      ev(900, "backoff", "p1", "warm-up backoff", { reason: "transient" }),
      ev(1_100, "backoff", "p1", "p1 backed off", { reason: "quota" }),
      ev(1_100, "rotation", "p2", "p1 → p2: usage limit"),
      ev(1_101, "profile.selected", "p2", "now serving from p2 (was p1)"),
      ev(1_500, "backoff", "p2", "p2 backed off", { reason: "quota" }),
      ev(1_600, "backoff", "p3", "odd event without data"),
    ];
    const log = "2026-01-01T00:00:00.000Z INFO  request profile=p2 status=200 ms=10 attempts=2 completed=true\n";
    const p = poolFigures(
      events,
      1_000,
      "p1",
      [{ name: "p1", status: "exhausted", requests: 3, errors: 1, backoff: { reason: "quota" } }],
      log,
    );
    expect(p.rotations).toBe(1);
    expect(p.backoffs).toEqual({ quota: 2, "?": 1 });
    expect(p.retries).toBe(1);
    expect(p.sequence).toEqual([
      { at: 0, profile: "p1", reason: "serving when the run started" },
      { at: 101, profile: "p2", reason: "now serving from p2 (was p1)" },
    ]);
    expect(p.profiles).toEqual([{ name: "p1", requests: 3, errors: 1, status: "exhausted", backoff: "quota" }]);
    expect(poolFigures([], 0, null, [], null)).toMatchObject({ retries: null, log: null, sequence: [] });
  });

  test("memory: growth, per request, and what slow clients' answers weigh", () => {
    const done = { completed: true, bytes: 2 * 1024 * 1024 };
    const results = [done, done, { completed: false, bytes: 10 }].map((r, i) => ({
      seq: i,
      route: "codex-sse" as const,
      phase: "main",
      at: 0,
      end: 1,
      status: 200,
      ttfb: 1,
      total: 1,
      aborted: false,
      error: null,
      deltas: 1,
      orderViolations: 0,
      incomplete: false,
      readyAfterError: null,
      ...r,
    }));
    const m = memoryFigures(
      results,
      { beforeMb: 50, peakMb: 80, afterMb: 55 },
      { clients: 4, heldMb: 52, answersSent: 4, idle: true },
    );
    expect(m).toEqual({
      beforeMb: 50,
      peakMb: 80,
      afterMb: 55,
      growthPct: 10,
      peakGrowthMb: 30,
      perRequestKiB: (5 * 1024) / 3,
      heldMb: 52,
      heldGrowthMb: 2,
      inFlightMb: 8,
    });
    expect(memoryFigures([], { beforeMb: null, peakMb: null, afterMb: null }, null)).toMatchObject({
      growthPct: null,
      perRequestKiB: null,
      heldMb: null,
      inFlightMb: null,
    });
  });
});

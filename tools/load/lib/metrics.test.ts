import { describe, expect, test } from "bun:test";
import { metrics, summary } from "./metrics.ts";
import type { Outcome } from "./types.ts";

const ok = (seq: number, total: number, extra: Partial<Outcome> = {}): Outcome => ({
  seq,
  route: "codex-sse",
  phase: "main",
  at: seq,
  end: seq + total,
  status: 200,
  ttfb: total / 2,
  total,
  completed: true,
  aborted: false,
  error: null,
  deltas: 4,
  orderViolations: 0,
  incomplete: false,
  bytes: 100,
  readyAfterError: null,
  ...extra,
});
const failed = (seq: number, error: string, ready: string[], extra: Partial<Outcome> = {}) =>
  ok(seq, 5, { status: 503, completed: false, error, deltas: 0, bytes: 0, readyAfterError: ready, ...extra });

describe("load metrics", () => {
  test("nearest-rank percentiles; empty is null", () => {
    const s = summary(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).toEqual({ n: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(summary([])).toEqual({ n: 0, p50: null, p90: null, p99: null, max: null });
  });

  test("errors, readiness, mix and order add up", () => {
    const list: Outcome[] = [
      ok(1, 10),
      ok(2, 20, { route: "claude" }),
      ok(3, 30, { route: "claude", orderViolations: 2, incomplete: true }),
      ok(4, 8, { completed: false, aborted: true, deltas: 2 }),
      failed(5, "HTTP 503: pool_unavailable resp_abc123", ["acct-1"]),
      failed(6, "HTTP 503: pool_unavailable resp_zzz999", ["acct-1"]),
      failed(7, "HTTP 429: usage limit", [], { status: 429, phase: "after" }),
    ];
    const m = metrics(list, 2_000);
    expect(m).toMatchObject({
      requests: 7,
      completed: 3,
      aborted: 1,
      errors: 3,
      errorsWhileReady: 2,
      orderViolations: 2,
      incomplete: 1,
      deltas: 14,
      bytes: 400,
    });
    expect(m.errorRate).toBeCloseTo(3 / 7);
    expect(m.rps).toBe(1.5);
    expect(m.statuses).toEqual({ "200": 4, "503": 2, "429": 1 });
    expect(m.topErrors).toEqual([
      { error: "HTTP 503: pool_unavailable resp_…", count: 2 },
      { error: "HTTP 429: usage limit", count: 1 },
    ]);
    expect(m.total).toEqual({ n: 3, p50: 20, p90: 30, p99: 30, max: 30 });
    expect(m.routes["codex-sse"]).toMatchObject({ requests: 5, completed: 1, errors: 3 });
    expect(m.routes.claude).toMatchObject({ requests: 2, completed: 2, errors: 0 });
    expect(Object.keys(m.phases)).toEqual(["main", "after"]);
  });
});

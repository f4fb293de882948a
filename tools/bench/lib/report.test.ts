import { describe, expect, test } from "bun:test";
import { type Results, type Row, table, verdicts } from "./report.ts";
import type { Timing } from "./selection-bench.ts";
import { summarize } from "../../harness/stats.ts";

const row = (
  transport: Row["transport"],
  concurrency: number,
  variant: string,
  ms: number,
  rps: number | null = null,
  errors = 0,
): Row => ({
  transport,
  concurrency,
  variant,
  ttfb: summarize([ms, ms, ms, ms * 2]),
  total: summarize([ms + 1, ms + 1, ms + 1, ms * 2 + 1]),
  rps,
  cpuMs: null,
  errors,
  firstError: errors ? "HTTP 500" : null,
});
const fast: Timing = { p50: 0.02, p99: 0.1, max: 3 };
const results = (rows: Row[], extra: Partial<Results> = {}): Results => ({
  rows,
  wsSkipped: null,
  memory: { beforeMb: 50, afterMb: 70, peakMb: 90, requests: 10_000, cpuMsPerRequest: 1, floor: null },
  selection: {
    profiles: 100,
    select: { keep: fast, rotate: fast },
    choose: { keep: fast, rotate: { ...fast, p99: 1.5 } },
    pooled: fast,
    reloadMs: 5,
  },
  quick: false,
  ...extra,
});
const sse = (prodexMs: number, prodexRps: number) => [
  row("sse", 1, "direct", 1),
  row("sse", 1, "floor", 1.1),
  row("sse", 1, "prodex", prodexMs),
  row("sse", 8, "direct", 3, 1000),
  row("sse", 8, "floor", 3.5, 800),
  row("sse", 8, "prodex", 5, prodexRps),
];
const byWhat = (r: Results) => Object.fromEntries(verdicts(r).map((v) => [v.what.split(" (")[0], v.status]));

describe("verdicts", () => {
  test("added: prodex minus direct (worse of ttfb, total); p50 and throughput against the floor's", () => {
    const v = byWhat(results(sse(1.2, 480), { wsSkipped: "refused" }));
    expect(v["SSE added p50 @c=1"]).toBe("PASS"); // +0.2 ms, the floor +0.1: 2×
    expect(v["SSE added p99 @c=1"]).toBe("PASS"); // +0.4 ms
    expect(v["SSE throughput @c=8"]).toBe("PASS"); // 60%
    expect(v["prodex RSS after 10000 streamed requests"]).toBe("PASS");
    expect(v["select() p99, 100 profiles"]).toBe("PASS");
    expect(v["PoolRuntime.choose p99, 100 profiles"]).toBe("MISS"); // rotation p99 1.5 ms
    expect(v["every measured request completed"]).toBe("PASS");
  });
  test("misses and skips are reported, never dropped", () => {
    const r = results([...sse(1.25, 479).slice(0, 5), row("sse", 8, "prodex", 5, 479, 2)], {
      wsSkipped: "prodex did not accept the websocket upgrade",
    });
    const v = byWhat(r);
    expect(v["SSE added p50 @c=1"]).toBe("MISS"); // 2.5× the floor's
    expect(v["SSE throughput @c=8"]).toBe("MISS"); // 59.9%
    expect(v["websocket added p50 @c=1"]).toBe("SKIP");
    expect(v["every measured request completed"]).toBe("MISS");
  });
  test("the table has a row per variant and the added-latency lines", () => {
    const lines = table(results(sse(1.4, 400)));
    expect(lines.filter((l) => /^c=[18]\s+(direct|floor|prodex)/.test(l))).toHaveLength(6);
    expect(lines.some((l) => l.includes("c=1 prodex adds"))).toBe(true);
  });
});

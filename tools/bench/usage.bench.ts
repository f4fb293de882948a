/**
 * What keeping the dashboard's usage view live costs, on a real SQLite ledger of N rows over 7 days:
 * the tracker (core ledger/usage-tracker.ts: the past read once as minute totals, then rows by rowid) against
 * re-reading the whole 7 days and totalling it again, which a view without it would do on every tick; and its
 * first read (in slices that let the loop go) against the same minute totals read in one query, each with the
 * longest event-loop stall while it ran (a setImmediate probe: what a stream sharing the loop would wait).
 * Run: bun run bench:usage [rows…]   (default 10000 100000)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { USAGE_PERIOD_MS, USAGE_PERIODS, ledgerGrandTotal, ledgerTotals, usageTracker } from "@prodex/core";
import { type LedgerRow, Store } from "@prodex/store";
import { summarize } from "../harness/stats.ts";

const now = Date.now();
const WEEK = USAGE_PERIOD_MS["7d"];
const profiles = ["work", "personal", "backup"];
const models = ["gpt-5", "gpt-5-codex", "gpt-5-mini"];

let id = 0;
const row = (at: number): LedgerRow => ({
  requestId: `bench-${id++}`,
  at,
  caller: "launch",
  profile: profiles[id % 3] as string,
  client: "codex",
  model: models[(id >> 2) % 3] as string,
  inputTokens: 1_000 + (id % 5_000),
  cachedTokens: id % 900,
  outputTokens: 50 + (id % 700),
  reasoningTokens: id % 64,
  status: id % 97 ? 200 : 429,
  outcome: id % 97 ? "completed" : "error",
  rotations: id % 13 ? 0 : 1,
  ttfbMs: 300,
  durationMs: 900,
  instance: "bench",
});

function time<T>(fn: () => T): [number, T] {
  const t0 = Bun.nanoseconds();
  const out = fn();
  return [(Bun.nanoseconds() - t0) / 1e6, out];
}

/** What a view without the tracker does on each tick: every row of the week, totalled per period and grouping. */
function rereadAll(store: Store, at: number): void {
  const rows = store.ledger.since(at - WEEK);
  for (const period of USAGE_PERIODS) {
    const inPeriod = rows.filter((r) => r.at >= at - USAGE_PERIOD_MS[period]);
    ledgerGrandTotal(inPeriod);
    ledgerTotals(inPeriod, "profile");
    ledgerTotals(inPeriod, "model");
  }
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long `work` took, and the longest the event loop was held while it ran. */
async function withStallProbe(work: () => unknown): Promise<{ ms: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  let on = true;
  const probe = () => {
    const t = performance.now();
    stall = Math.max(stall, t - last);
    last = t;
    if (on) setImmediate(probe);
  };
  setImmediate(probe);
  await turn();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  on = false;
  await turn();
  return { ms, stall };
}

for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ["10000", "100000"]).map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), "prodex-usage-bench-"));
  try {
    const store = Store.open(join(dir, "prodex.db"));
    store.transaction(() => {
      for (let i = 0; i < n; i++) store.ledger.record(row(now - Math.floor((i / n) * WEEK)));
    });
    const reread = summarize(Array.from({ length: 5 }, () => time(() => rereadAll(store, now))[0]));
    const hourlyBefore = now - 25 * 3_600_000;
    // Five of each, alternated, medians: the longest stall of one run is noisy on a shared machine.
    const oneQueryRuns: { ms: number; stall: number }[] = [];
    const slicedRuns: { ms: number; stall: number }[] = [];
    let tracker = usageTracker(store.ledger);
    for (let i = 0; i < 5; i++) {
      oneQueryRuns.push(await withStallProbe(() => store.ledger.minuteTotals(now - WEEK - 60_000, hourlyBefore)));
      tracker = usageTracker(store.ledger);
      const fresh = tracker;
      slicedRuns.push(
        await withStallProbe(() => {
          fresh.refresh(now);
          return fresh.ready();
        }),
      );
    }
    const median = (runs: { ms: number; stall: number }[]) => ({
      ms: summarize(runs.map((r) => r.ms)).p50,
      stall: summarize(runs.map((r) => r.stall)).p50,
    });
    const oneQuery = median(oneQueryRuns);
    const first = median(slicedRuns);
    const idle = summarize(Array.from({ length: 50 }, (_, i) => time(() => tracker.refresh(now + i))[0]));
    const oneRow = summarize(
      Array.from({ length: 50 }, (_, i) => {
        store.ledger.record(row(now + i));
        return time(() => tracker.refresh(now + i))[0];
      }),
    );
    console.log(
      `${n} rows: re-read all p50 ${fmt(reread.p50)} (max ${fmt(reread.max)}) | first read in one query p50 ` +
        `${fmt(oneQuery.ms)} (loop held ${fmt(oneQuery.stall)}) | tracker: first read in slices p50 ${fmt(first.ms)} ` +
        `(longest stall p50 ${fmt(first.stall)}), ` +
        `a tick with nothing new p50 ${fmt(idle.p50)}, a tick with one new row p50 ${fmt(oneRow.p50)} ` +
        `(p99 ${fmt(oneRow.p99)})`,
    );
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

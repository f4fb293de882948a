/**
 * What keeping the dashboard's usage view live costs, on a real SQLite ledger of N rows over 7 days:
 * the tracker (core ledger/usage-tracker.ts: the past read once as minute totals, then rows by rowid) against
 * re-reading the whole 7 days and totalling it again, which a view without it would do on every tick.
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

for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ["10000", "100000"]).map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), "prodex-usage-bench-"));
  try {
    const store = Store.open(join(dir, "prodex.db"));
    store.transaction(() => {
      for (let i = 0; i < n; i++) store.ledger.record(row(now - Math.floor((i / n) * WEEK)));
    });
    const reread = summarize(Array.from({ length: 5 }, () => time(() => rereadAll(store, now))[0]));
    const tracker = usageTracker(store.ledger);
    const [first] = time(() => tracker.refresh(now));
    const idle = summarize(Array.from({ length: 50 }, (_, i) => time(() => tracker.refresh(now + i))[0]));
    const oneRow = summarize(
      Array.from({ length: 50 }, (_, i) => {
        store.ledger.record(row(now + i));
        return time(() => tracker.refresh(now + i))[0];
      }),
    );
    console.log(
      `${n} rows: re-read all p50 ${fmt(reread.p50)} (max ${fmt(reread.max)}) | tracker: first read ${fmt(first)}, ` +
        `a tick with nothing new p50 ${fmt(idle.p50)}, a tick with one new row p50 ${fmt(oneRow.p50)} ` +
        `(p99 ${fmt(oneRow.p99)})`,
    );
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

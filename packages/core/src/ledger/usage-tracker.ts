// A usage summary kept live from the store: the ledger's last 7 days read once as minute totals, then only
// the rows stored since (by rowid, so rows every process writes are seen, in the order they were stored).
import type { LedgerMinuteTotal, LedgerRowWithId } from "@prodex/store";
import {
  addToBuckets,
  bucketSummary,
  minuteTotalOf,
  oldestPeriodStart,
  pruneBuckets,
  type UsageBuckets,
} from "./usage-buckets.ts";
import type { UsageSummary } from "./usage-summary.ts";

/** The two reads the tracker needs (the store's ledger). */
export type LedgerReader = {
  minuteTotals(since: number): { lastRowid: number; totals: LedgerMinuteTotal[] };
  after(lastRowid: number, limit?: number): LedgerRowWithId[];
};

export type UsageTracker = {
  /** Reads what was stored since the last refresh; throws what the store throws (busy: try again next tick). */
  refresh(now: number): void;
  /** The summary as of the last refresh: a new object only when something in it changed; null before the first. */
  current(): UsageSummary | null;
};

const BATCH = 1_000;
const MINUTE = 60_000;

export function usageTracker(ledger: LedgerReader): UsageTracker {
  const buckets: UsageBuckets = new Map();
  let lastRowid: number | null = null;
  let minute = -1;
  let summary: UsageSummary | null = null;
  let shown = "";
  return {
    refresh(now) {
      let changed = false;
      if (lastRowid === null) {
        const read = ledger.minuteTotals(oldestPeriodStart(now));
        for (const t of read.totals) addToBuckets(buckets, t);
        lastRowid = read.lastRowid;
        changed = true;
      } else {
        for (;;) {
          const rows = ledger.after(lastRowid, BATCH);
          for (const row of rows) {
            lastRowid = row.rowid;
            if (row.at < oldestPeriodStart(now)) continue;
            addToBuckets(buckets, minuteTotalOf(row));
            changed = true;
          }
          if (rows.length < BATCH) break;
        }
      }
      // Periods slide with the clock: a minute later, the oldest minute may have left one.
      const m = Math.floor(now / MINUTE);
      if (m !== minute) {
        minute = m;
        pruneBuckets(buckets, oldestPeriodStart(now));
        changed = true;
      }
      if (!changed) return;
      const next = bucketSummary(buckets, now);
      const text = JSON.stringify(next.periods);
      if (text === shown) return;
      shown = text;
      summary = next;
    },
    current: () => summary,
  };
}

// A usage summary kept live from the store: the ledger's last 7 days read once as minute totals, then only
// the rows stored since (by rowid, so rows every process writes are seen, in the order they were stored).
import type { LedgerMinuteTotal, LedgerRowWithId } from "@prodex/store";
import { UsageWindows, firstMinute, minuteTotalOf } from "./usage-buckets.ts";
import type { UsageSummary } from "./usage-summary.ts";

/** The two reads the tracker needs (the store's ledger). */
export type LedgerReader = {
  minuteTotals(since: number, hourlyBefore?: number): { lastRowid: number; totals: LedgerMinuteTotal[] };
  after(lastRowid: number, limit?: number): LedgerRowWithId[];
};

export type UsageTracker = {
  /**
   * Reads what was stored since the last refresh. A store that cannot be read now (busy) keeps the summary as it
   * was; what was not read yet is read on the next refresh.
   */
  refresh(now: number): void;
  /** The summary as of the last refresh: a new object only when something in it changed; null before the first. */
  current(): UsageSummary | null;
};

const BATCH = 1_000;
const HOURLY_BEFORE_MS = 25 * 3_600_000;

export function usageTracker(ledger: LedgerReader): UsageTracker {
  let windows: UsageWindows | null = null;
  let lastRowid = 0;
  let summary: UsageSummary | null = null;
  let shown = "";
  /** Rows added since the summary was made: kept across a read the store broke off. */
  let dirty = false;
  const read = (now: number): void => {
    if (!windows) {
      // Older than a day and an hour, a row can only leave the 7 days: an hour's precision is enough there.
      const past = ledger.minuteTotals(firstMinute("7d", now) * 60_000, now - HOURLY_BEFORE_MS);
      const fresh = new UsageWindows(now);
      for (const t of past.totals) fresh.add(t);
      lastRowid = past.lastRowid;
      windows = fresh;
      dirty = true;
      return;
    }
    for (;;) {
      const rows = ledger.after(lastRowid, BATCH);
      for (const row of rows) {
        lastRowid = row.rowid;
        windows.add(minuteTotalOf(row));
        dirty = true;
      }
      if (rows.length < BATCH) return;
    }
  };
  return {
    refresh(now) {
      try {
        read(now);
      } catch {
        // a busy store: the next refresh reads on from where this one stopped
      }
      if (!windows) return;
      // Periods slide with the clock: a minute later, the oldest minute may have left one.
      if (windows.advance(now)) dirty = true;
      if (!dirty) return;
      dirty = false;
      const next = windows.summary(now);
      const text = JSON.stringify(next.periods);
      if (text === shown) return;
      shown = text;
      summary = next;
    },
    current: () => summary,
  };
}

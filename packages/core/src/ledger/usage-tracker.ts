// A usage summary kept live from the store: the ledger's last 7 days read once as minute totals (in slices that let
// the event loop go, see past-usage-read.ts), then only the rows stored since (by rowid, so rows every process
// writes are seen, in the order they were stored).
import type { LedgerRowWithId } from "@prodex/store";
import { type PastLedger, readPastUsage } from "./past-usage-read.ts";
import { UsageWindows, firstMinute, minuteTotalOf } from "./usage-buckets.ts";
import type { UsageSummary } from "./usage-summary.ts";

/** The reads the tracker needs (the store's ledger). */
export type LedgerReader = PastLedger & {
  after(lastRowid: number, limit?: number): LedgerRowWithId[];
};

export type UsageTracker = {
  /**
   * Reads what was stored since the last refresh. The first starts the read of the past, which goes on between
   * the loop's other work: the summary is there once `ready()` resolves. A store that cannot be read now (busy)
   * keeps the summary as it was; what was not read yet is read on the next refresh.
   */
  refresh(now: number): void;
  /** Resolves when the read of the past the first refresh started is done (at once when none is under way). */
  ready(): Promise<void>;
  /** The summary as of the last refresh: a new object only when something in it changed; null before the first. */
  current(): UsageSummary | null;
};

const BATCH = 1_000;
const HOURLY_BEFORE_MS = 25 * 3_600_000;

export function usageTracker(ledger: LedgerReader): UsageTracker {
  let windows: UsageWindows | null = null;
  let loading: Promise<void> | null = null;
  let lastRowid = 0;
  let lastNow = 0;
  let summary: UsageSummary | null = null;
  let shown = "";
  /** Rows added since the summary was made: kept across a read the store broke off. */
  let dirty = false;
  const loadPast = (now: number): Promise<void> => {
    const fresh = new UsageWindows(now);
    // Older than a day and an hour, a row can only leave the 7 days: an hour's precision is enough there.
    const range = { since: firstMinute("7d", now) * 60_000, hourlyBefore: now - HOURLY_BEFORE_MS };
    return readPastUsage(ledger, range, (t) => fresh.add(t))
      .then((upTo) => {
        lastRowid = upTo;
        windows = fresh;
        dirty = true;
        show(lastNow);
      })
      .catch(() => {
        // a busy store: the next refresh starts the read again
      })
      .finally(() => {
        loading = null;
      });
  };
  const readNew = (current: UsageWindows): void => {
    for (;;) {
      const rows = ledger.after(lastRowid, BATCH);
      for (const row of rows) {
        lastRowid = row.rowid;
        current.add(minuteTotalOf(row));
        dirty = true;
      }
      if (rows.length < BATCH) return;
    }
  };
  const show = (now: number): void => {
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
  };
  return {
    refresh(now) {
      lastNow = now;
      if (!windows) {
        loading ??= loadPast(now);
        return;
      }
      try {
        readNew(windows);
      } catch {
        // a busy store: the next refresh reads on from where this one stopped
      }
      show(now);
    },
    ready: () => loading ?? Promise.resolve(),
    current: () => summary,
  };
}

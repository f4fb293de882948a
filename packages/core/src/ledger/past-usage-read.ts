// The usage view's first read: the ledger's last 7 days as minute totals, taken in slices of a bounded number of
// rows with the event loop let go between them. One query over 100k rows held a broker's loop for 0.1–0.4 s,
// which stalls every stream of every launch sharing it; a slice of SLICE_ROWS rows holds it for a few ms.
import type { LedgerMinuteTotal, LedgerSlice } from "@prodex/store";

/** The ledger reads a sliced past read needs (the store's ledger). */
export type PastLedger = {
  lastRowid(): number;
  atAfterRows(from: number, rows: number): number | null;
  minuteTotalsIn(slice: LedgerSlice): LedgerMinuteTotal[];
};

export const SLICE_ROWS = 1_000;

const letGo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Adds every minute total of the rows from `since` on, stored up to now, to `add`, a slice at a time; returns the
 * last rowid the read includes (rows stored after it are read by rowid). Rows stored while it reads have larger
 * rowids and are left out of every slice, so nothing is counted twice; the ledger only grows, so nothing is missed.
 */
export async function readPastUsage(
  ledger: PastLedger,
  range: { since: number; hourlyBefore: number },
  add: (total: LedgerMinuteTotal) => void,
  pause: () => Promise<void> = letGo,
): Promise<number> {
  const upToRowid = ledger.lastRowid();
  let from = range.since;
  for (;;) {
    const end = ledger.atAfterRows(from, SLICE_ROWS);
    // More than a slice's rows in one millisecond: that millisecond is read whole, so the read always moves on.
    const before = end === null ? undefined : Math.max(end, from + 1);
    for (const t of ledger.minuteTotalsIn({ from, before, hourlyBefore: range.hourlyBefore, upToRowid })) add(t);
    if (before === undefined) return upToRowid;
    from = before;
    await pause();
  }
}

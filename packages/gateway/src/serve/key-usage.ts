import { USAGE_PERIODS, USAGE_PERIOD_MS, type UsageSummary, byUse, sumTotals } from "@prodex/core";
import type { AccountCounters, GatewayStore } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";
import { POOL_COUNTERS_MS } from "./pool-counters.ts";

/** How often the per-key totals are read again while a dashboard asks (the database adds them up). */
const READ_EVERY_MS = 2_000;

/**
 * The usage view's data for the team dashboards attached to this instance: the ledger per key over the last hour,
 * day and 7 days, and per account over the day (the accounts table's counters), added up by PostgreSQL at most
 * every 2 s however many dashboards watch, and only while one does. `current()` answers at once (the last read,
 * the same object until something changed) and starts the next read.
 */
export class KeyUsage {
  private summary: UsageSummary | null = null;
  private counters: AccountCounters[] | null = null;
  private shown = "";
  private readAt = Number.NEGATIVE_INFINITY;
  private reading = false;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    private readonly now: () => number = Date.now,
  ) {}

  current(): UsageSummary | null {
    if (!this.reading && this.now() - this.readAt >= READ_EVERY_MS) void this.read();
    return this.summary;
  }

  /** Each account's counters over the last day (pool-counters.ts), as of the last read; null before it. */
  accounts(): AccountCounters[] | null {
    this.current();
    return this.counters;
  }

  async read(): Promise<void> {
    this.reading = true;
    const now = this.now();
    this.readAt = now;
    try {
      const periods = await Promise.all(
        USAGE_PERIODS.map(async (period) => {
          const keys = (await this.store.ledger.callerTotals(now - USAGE_PERIOD_MS[period])).sort(byUse);
          return { period, total: sumTotals(keys), by: { key: keys } };
        }),
      );
      this.counters = await this.store.ledger.accountCounters(now - POOL_COUNTERS_MS);
      const text = JSON.stringify(periods);
      if (text !== this.shown) {
        this.shown = text;
        this.summary = { at: now, periods };
      }
    } catch (e) {
      this.health.failed(e); // the last totals stay on screen; the next ask reads again
    } finally {
      this.reading = false;
    }
  }
}

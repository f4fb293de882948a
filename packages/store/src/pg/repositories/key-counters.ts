import { and, eq, sql } from "drizzle-orm";
import type { PgDb } from "../connect.ts";
import { keyCounters } from "../schema.ts";

export type CounterWindow = "minute" | "day";
export type CounterTotals = { requests: number; tokens: number };

/** The per-key limit counters: instances add their deltas and read everyone's sums. */
export class KeyCountersRepo {
  constructor(private readonly db: PgDb) {}

  /** Adds to a window's counters (creating it) and returns the sums across every instance. */
  async add(key: string, window: CounterWindow, start: number, delta: CounterTotals): Promise<CounterTotals> {
    const [row] = await this.db
      .insert(keyCounters)
      .values({ key, window, start, requests: delta.requests, tokens: delta.tokens })
      .onConflictDoUpdate({
        target: [keyCounters.key, keyCounters.window, keyCounters.start],
        set: {
          requests: sql`${keyCounters.requests} + ${delta.requests}`,
          tokens: sql`${keyCounters.tokens} + ${delta.tokens}`,
        },
      })
      .returning({ requests: keyCounters.requests, tokens: keyCounters.tokens });
    return row ?? { requests: 0, tokens: 0 };
  }

  async get(key: string, window: CounterWindow, start: number): Promise<CounterTotals> {
    const [row] = await this.db
      .select({ requests: keyCounters.requests, tokens: keyCounters.tokens })
      .from(keyCounters)
      .where(and(eq(keyCounters.key, key), eq(keyCounters.window, window), eq(keyCounters.start, start)));
    return row ?? { requests: 0, tokens: 0 };
  }
}

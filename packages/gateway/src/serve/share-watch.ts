import {
  type AccountWindows,
  type ShareEntry,
  type WindowShares,
  periodStart,
  pickWindow,
  windowShares,
} from "@prodex/core";
import type { LedgerRow, StoredWindow } from "@prodex/store";
import type { GatewayStore } from "@prodex/store/pg";
import type { LimitVerdict } from "./limit-check.ts";
import { type LocalTokens, checkShare, keyWeekly, withLocal } from "./share-check.ts";

/** A pool account as a reading sees it: its name, and whether it can take new work (share-check.ts: takesNewWork). */
export type ShareAccount = { name: string; open: boolean };

/**
 * A served row reaches PostgreSQL behind its request (write-behind, ~100 ms batches): what this instance served
 * this long before a reading began may be missing from it, so it is still counted here (at worst twice, briefly).
 */
const FLUSH_MARGIN_MS = 1_000;
/** Past this many rows (a long database outage) they are folded into one per key and account. */
const MAX_SERVED = 10_000;

const EMPTY_WEEK: StoredWindow = {
  label: "weekly",
  usedPercent: 0,
  windowSeconds: 604_800,
  resetAt: null,
  limit: "codex",
};

/** What a reading needs of the database: the accounts' newest usage readings and the ledger's per-key sums. */
export type ShareSource = {
  usage: Pick<GatewayStore["usage"], "all">;
  ledger: Pick<GatewayStore["ledger"], "sumsSince">;
};

type Served = { at: number; caller: string; account: string; tokens: number };

/**
 * The pool's weekly windows and who used them, read from PostgreSQL (every instance's usage readings and ledger):
 * what `--max-share` is checked against. A request never waits for a reading: between two, what this instance
 * served since the last one is added at each account's rate (share-check.ts), so the allowance a reading leaves is
 * spent locally and the next reading brings the other instances' use. While the database is down the last reading
 * stands and the local count keeps growing.
 */
export class ShareWatch {
  private windows: WindowShares[] = [];
  private served: Served[] = [];
  private open: ReadonlySet<string> = new Set();

  constructor(
    private readonly store: ShareSource,
    /** Every pool account: a key's use counts on each; the room only on those that can take new work. */
    private readonly accounts: () => readonly ShareAccount[],
    private readonly now: () => number = Date.now,
  ) {}

  /** One reading: each account's weekly window and each key's tokens on it in the window's period. */
  async read(): Promise<void> {
    const began = this.now();
    const accounts: AccountWindows[] = [];
    const periods: { account: string; from: number }[] = [];
    const readings = new Map((await this.store.usage.all()).map((u) => [u.account, u.windows]));
    const pool = this.accounts();
    for (const { name } of pool) {
      const windows = readings.get(name);
      // An account not read yet (no answer from it so far) counts as an empty window: its room is the pool's too.
      const weekly = pickWindow((Array.isArray(windows) ? windows : []) as StoredWindow[], "weekly") ?? EMPTY_WEEK;
      accounts.push({ name, windows: [weekly] });
      periods.push({ account: name, from: periodStart(weekly, "weekly", began) });
    }
    const from = new Map(periods.map((p) => [p.account, p.from]));
    // One entry per key and account, dated at the period's start: it falls inside that account's weekly period.
    const entries: ShareEntry[] = (await this.store.ledger.sumsSince(periods)).map((s) => ({
      at: from.get(s.profile) ?? began,
      caller: s.caller,
      profile: s.profile,
      inputTokens: s.tokens,
      outputTokens: 0,
      requests: s.requests,
    }));
    this.windows = windowShares(entries, accounts, began);
    this.open = new Set(pool.filter((a) => a.open).map((a) => a.name));
    this.served = this.served.filter((s) => s.at >= began - FLUSH_MARGIN_MS);
  }

  /** A served request (any key's): its tokens count until a reading holds them. */
  observe(row: Pick<LedgerRow, "at" | "caller" | "profile" | "inputTokens" | "outputTokens">): void {
    const tokens = row.inputTokens + row.outputTokens;
    if (tokens > 0) this.served.push({ at: row.at, caller: row.caller, account: row.profile, tokens });
    if (this.served.length > MAX_SERVED) this.fold();
  }

  /** Folded rows keep the newest time among them, so no reading that could miss one drops them. */
  private fold(): void {
    const by = new Map<string, Served>();
    for (const s of this.served) {
      const k = `${s.caller}\n${s.account}`;
      const f = by.get(k);
      if (f) by.set(k, { ...f, at: Math.max(f.at, s.at), tokens: f.tokens + s.tokens });
      else by.set(k, { ...s });
    }
    this.served = [...by.values()];
  }

  check(key: string, maxShare: number): LimitVerdict {
    const local = new Map<string, LocalTokens>();
    for (const s of this.served) {
      const t = local.get(s.account) ?? { key: 0, all: 0 };
      t.all += s.tokens;
      if (s.caller === key) t.key += s.tokens;
      local.set(s.account, t);
    }
    return checkShare(maxShare, withLocal(keyWeekly(this.windows, key, this.open), local));
  }
}

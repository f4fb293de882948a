import type { LedgerRow } from "@prodex/store";
import type { GatewayStore, KeyLimits } from "@prodex/store/pg";
import { limitsOf } from "../admin/key-limits-input.ts";
import type { DbHealth } from "./db-health.ts";
import { type KeyUse, type LimitVerdict, checkLimits, dayStart, localAllowance, minuteStart } from "./limit-check.ts";
import { type ShareAccount, ShareWatch } from "./share-watch.ts";

/** What this instance counted for a key and has not yet added to the shared counters. */
type Pending = { minuteStart: number; requests: number; dayStart: number; tokens: number };

/** An instance waits at most this long for the shared count once its local allowance is spent. */
const SYNC_WAIT_MS = 300;

/**
 * Per-key limits across instances. The counters live in PostgreSQL (`gw_key_counters`); each instance admits
 * on its last reading of them plus what it admitted since, and adds its counts every `intervalMs`. A request
 * waits on the database only when this instance has admitted a whole local allowance (limit-check.ts) since its
 * last reading; while the database is down, each instance goes on counting on its own. `--max-share` is checked
 * against the pool's weekly windows as read every `shareEveryMs` (share-watch.ts), never waiting on the database.
 */
export class KeyLimiter {
  private limits = new Map<string, KeyLimits>();
  private readonly shared = new Map<string, KeyUse>();
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private shareTimer: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  private readonly shares: ShareWatch;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    private readonly now: () => number = Date.now,
    /** The pool's accounts (an open one's room counts even before a reading of its windows). */
    accounts: () => readonly ShareAccount[] = () => [],
  ) {
    this.shares = new ShareWatch(store, accounts, now);
  }

  /** Reads every live key's limits (at start, and when a key changes anywhere). */
  async reload(): Promise<void> {
    try {
      const rows = await this.store.apiKeys.list();
      this.limits = new Map(
        rows
          .filter((k) => k.revokedAt === null && (k.rpm !== null || k.tokensPerDay !== null || k.maxShare !== null))
          .map((k) => [k.name, limitsOf(k)]),
      );
      this.health.up();
    } catch (e) {
      this.health.failed(e);
    }
    // A share set or changed is checked against a fresh reading from its next request on.
    await this.readShares();
  }

  start(intervalMs = 100, shareEveryMs = 1_000): void {
    this.timer = setInterval(() => void this.sync(), intervalMs);
    this.timer.unref?.();
    this.shareTimer = setInterval(() => void this.readShares(), shareEveryMs);
    this.shareTimer.unref?.();
  }

  /** Reads the pool's weekly windows and who used them, while some key has a share to hold it to. */
  private async readShares(): Promise<void> {
    if (![...this.limits.values()].some((l) => l.maxShare !== null) || !this.health.current.ok) return;
    try {
      await this.shares.read();
      this.health.up();
    } catch (e) {
      this.health.failed(e);
    }
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.shareTimer) clearInterval(this.shareTimer);
    this.timer = null;
    this.shareTimer = null;
    return Promise.race([this.sync(), Bun.sleep(1_000)]);
  }

  /** May `key` send a request now? Counted when it may. */
  async admit(key: string): Promise<LimitVerdict> {
    const limits = this.limits.get(key);
    if (!limits) return { ok: true };
    const now = this.now();
    let p = this.pendingOf(key, now);
    if (p.requests >= localAllowance(limits) && this.health.current.ok) {
      await Promise.race([this.sync(), Bun.sleep(SYNC_WAIT_MS)]);
      p = this.pendingOf(key, now);
    }
    let verdict = checkLimits(limits, this.useOf(key, now), now);
    if (verdict.ok && limits.maxShare !== null) verdict = this.shares.check(key, limits.maxShare);
    if (verdict.ok) p.requests++;
    return verdict;
  }

  /** A served request's tokens count against its key's day, and against the pool's weekly room (any key's). */
  served(row: Pick<LedgerRow, "at" | "caller" | "profile" | "inputTokens" | "outputTokens">): void {
    this.shares.observe(row);
    if (!this.limits.has(row.caller)) return;
    this.pendingOf(row.caller, this.now()).tokens += row.inputTokens + row.outputTokens;
  }

  /** Adds this instance's counts to the shared counters and reads everyone's (one round at a time). */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    if (!this.health.current.ok) return;
    const now = this.now();
    for (const key of this.limits.keys()) {
      const p = this.pendingOf(key, now);
      const sent = { ...p };
      try {
        const counters = this.store.keyCounters;
        // Nothing to add: only read what the other instances counted.
        const minute =
          sent.requests > 0
            ? await counters.add(key, "minute", sent.minuteStart, { requests: sent.requests, tokens: 0 })
            : await counters.get(key, "minute", sent.minuteStart);
        const day =
          sent.tokens > 0
            ? await counters.add(key, "day", sent.dayStart, { requests: 0, tokens: sent.tokens })
            : await counters.get(key, "day", sent.dayStart);
        // What was admitted meanwhile stays pending; what was sent is now in the shared sums.
        p.requests -= sent.requests;
        p.tokens -= sent.tokens;
        this.shared.set(key, {
          minuteStart: sent.minuteStart,
          requests: minute.requests,
          dayStart: sent.dayStart,
          tokens: day.tokens,
        });
        this.health.up();
      } catch (e) {
        this.health.failed(e);
        return;
      }
    }
  }

  private pendingOf(key: string, now: number): Pending {
    const m = minuteStart(now);
    const d = dayStart(now);
    let p = this.pending.get(key);
    // A new minute or day starts from zero here; counts of the old one not yet sent are dropped (their window is over).
    if (!p || p.minuteStart !== m || p.dayStart !== d) {
      p = {
        minuteStart: m,
        requests: p && p.minuteStart === m ? p.requests : 0,
        dayStart: d,
        tokens: p && p.dayStart === d ? p.tokens : 0,
      };
      this.pending.set(key, p);
    }
    return p;
  }

  private useOf(key: string, now: number): KeyUse {
    const p = this.pendingOf(key, now);
    const s = this.shared.get(key);
    const both = (a: number, shared: number | undefined, same: boolean) => a + (same ? (shared ?? 0) : 0);
    return {
      minuteStart: p.minuteStart,
      requests: both(p.requests, s?.requests, s?.minuteStart === p.minuteStart),
      dayStart: p.dayStart,
      tokens: both(p.tokens, s?.tokens, s?.dayStart === p.dayStart),
    };
  }
}

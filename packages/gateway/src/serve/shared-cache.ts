import type { AccountRow, GatewayStore, PgBackoffRow, PgUsageRow } from "@prodex/store/pg";
import { z } from "zod";
import type { DbHealth } from "./db-health.ts";

/** What instances tell each other on the gateway channel (small: the row itself travels only for backoffs). */
export const notice = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("backoff"),
    account: z.string(),
    reason: z.string(),
    until: z.number(),
    attempts: z.number(),
    from: z.string(),
  }),
  z.object({ t: z.literal("backoff-clear"), account: z.string(), from: z.string() }),
  z.object({ t: z.literal("account"), name: z.string() }),
  z.object({ t: z.literal("tokens"), name: z.string(), version: z.number() }),
  z.object({ t: z.literal("key"), name: z.string() }),
  z.object({ t: z.literal("secret-key"), id: z.string() }),
  // rotate-key asks every instance to re-read its key file and say which keys it holds, before it re-seals.
  z.object({ t: z.literal("secret-key-ask"), id: z.string(), from: z.string() }),
  z.object({
    t: z.literal("secret-key-held"),
    instance: z.string(),
    ids: z.array(z.string()),
    /** false: started with PRODEX_GATEWAY_SECRET_KEY (an environment variable cannot be re-read). */
    reloadable: z.boolean(),
    problem: z.string().nullable(),
  }),
  z.object({ t: z.literal("usage"), account: z.string(), from: z.string() }),
  // The pool-wide pin and rotation switch (pool-control.ts), as stored.
  z.object({ t: z.literal("pool"), pinned: z.string().nullable(), autoRotate: z.boolean() }),
  // Events were written to the shared timeline: dashboards attached here read them now (timeline-feed.ts).
  z.object({ t: z.literal("events"), from: z.string() }),
  // Bindings just written (k: kind, a: account, e: expires at), so other instances' lookups stay in memory.
  z.object({
    t: z.literal("bindings"),
    from: z.string(),
    rows: z.array(z.object({ k: z.string(), key: z.string(), a: z.string(), e: z.number() })),
  }),
]);
export type Notice = z.infer<typeof notice>;

/** A payload on the gateway channel as a notice; null when it is not one (a newer prodex's, or not JSON). */
export function parseNotice(payload: string): Notice | null {
  return noticeOf(jsonOf(payload));
}

function jsonOf(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

function noticeOf(value: unknown): Notice | null {
  const r = notice.safeParse(value);
  return r.success ? r.data : null;
}

/** Who sent a notice (its `from`), read before it is checked. */
function senderOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && "from" in value ? value.from : undefined;
}

export type CachedAccount = Omit<AccountRow, "tokenCipher"> & { tokenCipher: string };

/**
 * One instance's copy of the shared pool: accounts (sealed tokens included), backoffs and usage. Loaded at start
 * and after every (re)subscription, kept current by notifications, so the request path reads memory only.
 */
export class SharedCache {
  accounts = new Map<string, CachedAccount>();
  backoffs = new Map<string, Omit<PgBackoffRow, "updatedAt">>();
  usage = new Map<string, PgUsageRow>();
  private readonly handlers = new Set<(n: Notice) => void>();
  /** Runs after every reload of accounts, backoffs and usage (the local mirror re-syncs). */
  onReloaded: () => void = () => {};
  /** Runs after the usage alone was read again (another instance's reading). */
  onUsage: () => void = () => {};
  /** Reads of the shared state since start (tests and the bench): everything, or the usage alone. */
  readonly reloads = { full: 0, usage: 0 };
  private sub: { close(): Promise<void> } | null = null;
  /** True while the LISTEN connection is subscribed (readiness). */
  listening = false;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    private readonly instance: string,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.sub = await this.store.listen(
      (payload) => this.receive(payload),
      () => {
        // (Re)subscribed: anything said while the connection was down is lost, so read the state again.
        this.listening = true;
        void this.reload().catch((e) => this.health.failed(e));
      },
    );
  }

  on(fn: (n: Notice) => void): void {
    this.handlers.add(fn);
  }

  async reload(): Promise<void> {
    const [accounts, backoffs, usage] = await Promise.all([
      this.store.accounts.list(),
      this.store.backoffs.live(),
      this.store.usage.all(),
    ]);
    this.accounts = new Map(accounts.map((a) => [a.name, a]));
    this.backoffs = new Map(backoffs.map((b) => [b.account, b]));
    this.usage = new Map(usage.map((u) => [u.account, u]));
    this.reloads.full++;
    this.health.up();
    this.onReloaded();
  }

  /** Tells every instance (this one included, which applies it at once without waiting for the echo). */
  async publish(n: Notice): Promise<void> {
    this.apply(n);
    try {
      await this.store.notify(n);
    } catch (e) {
      this.health.failed(e);
    }
  }

  private receive(payload: string): void {
    const value = jsonOf(payload);
    // This instance's own notices come back too: applied when published, they are dropped before being checked
    // (each write-behind round's bindings notice, with its rows, cost more to check than anything else received).
    if (senderOf(value) === this.instance) return;
    const parsed = noticeOf(value);
    // A notice from a newer prodex is ignored: the next reload brings its effect.
    if (parsed) this.apply(parsed);
  }

  private apply(n: Notice): void {
    if (n.t === "backoff")
      this.backoffs.set(n.account, {
        account: n.account,
        reason: n.reason,
        until: n.until,
        attempts: n.attempts,
        message: null,
        instance: n.from,
      });
    else if (n.t === "backoff-clear") this.backoffs.delete(n.account);
    else if (n.t === "account" || n.t === "tokens") void this.reloadAccountsSoon();
    // A reading another instance stored: only the usage is read again (every instance stores ~one a second, so a
    // full reload here made each instance re-read everything for every other instance's answers).
    else if (n.t === "usage" && n.from !== this.instance) void this.reloadUsageSoon();
    for (const fn of this.handlers) fn(n);
  }

  private usageReload: Promise<void> | null = null;
  private reloadUsageSoon(): Promise<void> {
    this.usageReload ??= this.store.usage
      .all()
      .then((usage) => {
        this.usage = new Map(usage.map((u) => [u.account, u]));
        this.reloads.usage++;
        this.onUsage();
      })
      .catch((e) => this.health.failed(e))
      .finally(() => {
        this.usageReload = null;
      });
    return this.usageReload;
  }

  private reloading: Promise<void> | null = null;
  private reloadAccountsSoon(): Promise<void> {
    this.reloading ??= this.reload()
      .catch((e) => this.health.failed(e))
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  async stop(): Promise<void> {
    this.listening = false;
    await this.sub?.close().catch(() => {});
  }
}

import { join } from "node:path";
import type { Context, PoolEvent } from "@prodex/core";
import type { BackoffReason, BindingKind, StoredWindow } from "@prodex/store";
import type { CachedAccount, SharedCache } from "./shared-cache.ts";
import type { WriteBehind } from "./write-behind.ts";

const REASONS: readonly BackoffReason[] = ["quota", "transient", "auth", "overload"];
const KINDS: readonly BindingKind[] = [
  "response_id",
  "turn_state",
  "session",
  "prompt_cache_key",
  "claude_session",
  "encrypted",
];
/** How often the accounts' usage readings go out (they change with answers; a second late is fine). */
const USAGE_EVERY_MS = 1_000;
const isKind = (k: string): k is BindingKind => (KINDS as readonly string[]).includes(k);
/** One account's windows as the proxy's pool holds them. */
export type LiveUsage = { name: string; fetchedAt: number | null; plan: string | null; windows: StoredWindow[] };
const asReason = (r: string): BackoffReason => REASONS.find((x) => x === r) ?? "transient";

/**
 * The instance's local store (an instance-private SQLite the proxy reads and writes, as `prodex serve` does) kept
 * in step with PostgreSQL both ways, so the proxy's one rotation loop runs unchanged and its request path reads
 * memory and local disk only:
 * - in: accounts, backoffs and other instances' bindings arrive by notification and are written locally, then the
 *   pool re-reads (a backoff found by instance A is seen by instance B within one notification);
 * - out: the proxy's events (a backoff among them) and the bindings it records go to write-behind, and a backoff
 *   is announced at once.
 */
export class LocalMirror {
  private usageTimer: ReturnType<typeof setInterval> | null = null;
  /** The newest usage reading sent per account (fetchedAt). */
  private readonly usageSent = new Map<string, number>();
  private seq = 0;
  /** Called after local state changed under the proxy (the pool re-reads its store). */
  onChanged: () => void = () => {};

  constructor(
    private readonly ctx: Context,
    private readonly cache: SharedCache,
    private readonly queue: WriteBehind,
    private readonly instance: string,
    private readonly homes: string,
  ) {}

  /** Profiles for the pool's accounts (no login on disk: tokens come from the shared token source). */
  syncAccounts(): void {
    const store = this.ctx.store;
    const wanted = new Map<string, CachedAccount>(this.cache.accounts);
    for (const local of store.profiles.list()) if (!wanted.has(local.name)) store.profiles.remove(local.name);
    for (const a of wanted.values()) {
      const patch = {
        accountId: a.accountId,
        email: a.email,
        plan: a.plan,
        authState: a.needsLogin ? ("needs_login" as const) : ("ok" as const),
        pausedAt: a.pausedAt,
        pausedBy: a.pausedBy,
      };
      if (!store.profiles.get(a.name))
        store.profiles.insert({ name: a.name, codexHome: join(this.homes, a.name), kind: "managed" });
      store.profiles.update(a.name, patch);
    }
    this.syncUsage();
    this.syncBackoffs();
  }

  /**
   * Other instances' newer usage readings, written locally: selection weighs every account by the newest reading
   * any instance made, and a dashboard attached here shows the windows whoever served last saw.
   */
  syncUsage(): void {
    const store = this.ctx.store;
    const latest = store.usage.latestAll();
    for (const p of store.profiles.list()) {
      const u = this.cache.usage.get(p.name);
      if (!u || (latest.get(p.id)?.fetchedAt ?? -1) >= u.fetchedAt || !Array.isArray(u.windows)) continue;
      store.usage.insert({
        profileId: p.id,
        fetchedAt: u.fetchedAt,
        source: u.source,
        plan: u.plan,
        windows: u.windows as StoredWindow[],
      });
      // Not sent back out: it came from the database.
      this.usageSent.set(p.name, Math.max(this.usageSent.get(p.name) ?? -1, u.fetchedAt));
    }
  }

  /** Another instance stored a newer usage reading: written locally, and the pool re-reads. */
  usageChanged(): void {
    this.syncUsage();
    this.onChanged();
  }

  syncBackoffs(): void {
    const store = this.ctx.store;
    const now = this.ctx.now();
    for (const p of store.profiles.list()) {
      const b = this.cache.backoffs.get(p.name);
      const local = store.backoffs.get(p.id);
      if (b && b.until > now && (!local || local.until !== b.until))
        store.backoffs.set(p.id, asReason(b.reason), b.until, b.message ?? null, now);
      else if (!b && local && local.until > now && local.reason === "quota") continue; // ours, not yet announced
    }
    this.onChanged();
  }

  /**
   * Once the proxy runs: hands it another instance's binding (known at once, stored by its batched writer off the
   * main thread). Before, bindings are written to the local store directly.
   */
  learn: ((kind: BindingKind, key: string, account: string, expiresAt: number) => void) | null = null;

  /** Another instance's binding, made local so this instance's lookups find it without a database trip. */
  applyBinding(kind: string, key: string, account: string, expiresAt: number): void {
    if (!this.cache.accounts.has(account) || !isKind(kind)) return;
    if (this.learn) return this.learn(kind, key, account, expiresAt);
    const p = this.ctx.store.profiles.get(account);
    const now = this.ctx.now();
    if (p) this.ctx.store.bindings.put(kind, key, p.id, Math.max(0, expiresAt - now), now);
  }

  /** The proxy's events: to the shared timeline (write-behind); a backoff also announced to every instance now. */
  observe(event: PoolEvent): void {
    if (event.data && "gatewayInstance" in event.data) return; // replayed from another instance
    this.queue.event({
      instance: this.instance,
      seq: ++this.seq,
      at: event.at,
      kind: event.kind,
      level: event.level,
      account: event.profile,
      message: event.message,
      data: event.data ?? null,
    });
    if (event.kind === "backoff" && event.profile) {
      const until = Number(event.data?.until);
      const reason = String(event.data?.reason ?? "transient");
      if (!Number.isFinite(until)) return;
      const attempts = this.ctx.store.backoffs.get(this.ctx.store.profiles.get(event.profile)?.id ?? -1)?.attempts ?? 1;
      const row = { account: event.profile, reason, until, attempts, message: event.message, instance: this.instance };
      this.queue.backoff(row);
      void this.cache.publish({ t: "backoff", account: event.profile, reason, until, attempts, from: this.instance });
    }
  }

  /** Shares the accounts' usage readings every second (bindings go out as the proxy records them: `bound`). */
  start(): void {
    this.usageTimer = setInterval(() => this.shareUsage(), USAGE_EVERY_MS);
    this.usageTimer.unref?.();
  }

  /**
   * A binding the proxy just recorded: to PostgreSQL with the next write-behind batch (≤ 50 ms), which then announces
   * it, so another instance may take the conversation's next turn. Pushed by the proxy, never polled (reading the
   * local store for recent bindings cost a third of an instance's CPU under load), and batched, never one round
   * trip per request.
   */
  bound(kind: string, key: string, account: string, lastUsedAt: number, expiresAt: number): void {
    this.queue.binding({ kind, key, account, lastUsedAt, expiresAt });
  }

  /**
   * The accounts' newest usage readings, as the proxy holds them live (its store keeps an answer's headers only every
   * 30 s): what `gateway usage` and `--max-share` weigh windows by, a second late at most.
   */
  liveUsage: () => readonly LiveUsage[] = () => [];

  shareUsage(): void {
    for (const u of this.liveUsage()) {
      if (u.fetchedAt === null || (this.usageSent.get(u.name) ?? -1) >= u.fetchedAt) continue;
      this.usageSent.set(u.name, u.fetchedAt);
      this.queue.usage({ account: u.name, fetchedAt: u.fetchedAt, source: "live", plan: u.plan, windows: u.windows });
    }
  }

  stop(): void {
    if (this.usageTimer) clearInterval(this.usageTimer);
    this.usageTimer = null;
  }
}

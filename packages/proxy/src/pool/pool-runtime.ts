import {
  type Context,
  type PoolSnapshot,
  type ProfileRef,
  type ProfileView,
  type Selection,
  type UsageWindow,
  loadProfileStates,
  quotaStatus,
  select,
  transientBackoffFor,
} from "@prodex/core";
import type { ProfileRow } from "@prodex/store";
import type { BackoffKind } from "../rotation/classify.ts";

type Live = {
  row: ProfileRow;
  windows: UsageWindow[];
  fetchedAt: number | null;
  plan: string | null;
  backoff: { reason: string; until: number; message: string | null } | null;
  usable: boolean;
  health: number;
  requests: number;
  errors: number;
  latencies: number[];
  lastSelectedAt: number | null;
  persistedUsageAt: number;
};

/** What the pooled usage view needs of a profile (see `PoolRuntime.usageStates`). */
export type UsageState = { name: string; windows: UsageWindow[]; needsLogin: boolean; exhausted: boolean; backoffUntil: number | null };

export type PoolRuntimeOptions = {
  preferred: string | null;
  autoRotate: boolean;
  /** Reload shared state (other processes' backoffs and usage) this often. */
  syncMs?: number;
};

const QUOTA_FALLBACK_MS = 15 * 60_000;
const HEADER_PERSIST_MS = 30_000;
const LATENCY_SAMPLES = 50;

/**
 * The proxy's live view of the pool: profiles, usage, backoffs, health and counters. Seeded
 * from the store, kept current by every answer, and written back (through the context's
 * batched writer, off the request path) so other prodex processes and the dashboard see what
 * this one learned; memory stays right while the store is busy.
 */
export class PoolRuntime {
  private live = new Map<string, Live>();
  current: string | null;
  pinned: string | null = null;
  autoRotate: boolean;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: Context,
    options: PoolRuntimeOptions,
  ) {
    this.current = options.preferred;
    this.autoRotate = options.autoRotate;
    this.reload();
    if (options.syncMs !== 0) {
      this.timer = setInterval(() => this.reload(), options.syncMs ?? 2_000);
      this.timer.unref?.();
    }
  }

  /** Re-reads profiles, usage and backoffs from the store, keeping in-memory counters. */
  reload(): void {
    const now = this.ctx.now();
    let states: ReturnType<typeof loadProfileStates>;
    try {
      states = loadProfileStates(this.ctx, now, (row) => this.hasLogin(row));
    } catch {
      return; // a busy database must not stall the proxy; the next tick retries
    }
    const next = new Map<string, Live>();
    for (const s of states) {
      const prev = this.live.get(s.profile.name);
      const usage = s.usage && (!prev?.fetchedAt || s.usage.fetchedAt >= prev.fetchedAt) ? s.usage : null;
      next.set(s.profile.name, {
        row: s.profile,
        windows: usage?.windows ?? prev?.windows ?? [],
        fetchedAt: usage?.fetchedAt ?? prev?.fetchedAt ?? null,
        plan: usage?.plan ?? prev?.plan ?? s.profile.plan,
        backoff: s.backoff ? { reason: s.backoff.reason, until: s.backoff.until, message: s.backoff.message } : null,
        usable: s.usable,
        health: prev?.health ?? 1,
        requests: prev?.requests ?? 0,
        errors: prev?.errors ?? 0,
        latencies: prev?.latencies ?? [],
        lastSelectedAt: Math.max(prev?.lastSelectedAt ?? 0, s.profile.lastSelectedAt ?? 0) || null,
        persistedUsageAt: prev?.persistedUsageAt ?? 0,
      });
    }
    this.live = next;
    if (this.current && !next.has(this.current)) this.current = null;
  }

  /** Cached by auth.json's mtime (TokenManager), so a reload does not re-parse every login. */
  private hasLogin(row: ProfileRow): boolean {
    try {
      this.ctx.tokens.read({ name: row.name, codexHome: row.codexHome });
      return true;
    } catch {
      return false;
    }
  }

  names(): string[] {
    return [...this.live.keys()];
  }

  ref(name: string): ProfileRef {
    const p = this.live.get(name);
    if (!p) throw new Error(`unknown profile ${name}`);
    return { name, codexHome: p.row.codexHome };
  }

  row(name: string): ProfileRow | undefined {
    return this.live.get(name)?.row;
  }

  /** Why `name` cannot take new work now, or null when it can. */
  blocked(name: string): { why: "exhausted" | "needs login" | "backed off" | "unknown profile"; until: number | null } | null {
    const p = this.live.get(name);
    const now = this.ctx.now();
    if (!p) return { why: "unknown profile", until: null };
    if (!p.usable) return { why: "needs login", until: null };
    // A usage-limit backoff is the upstream's own word: an answer that began before the limit
    // may still bring older usage headers, but the account stays full until the backoff ends.
    const quotaHeld = p.backoff?.reason === "quota" && p.backoff.until > now;
    if (quotaHeld || quotaStatus(p.windows, now) === "exhausted") return { why: "exhausted", until: p.backoff?.until ?? null };
    if (p.backoff && p.backoff.until > now) return { why: "backed off", until: p.backoff.until };
    return null;
  }

  /**
   * Ranks the pool with the selection policy. Only one profile is offered when the caller is
   * held to one (`stayOn`: a launch with --no-auto-rotate on a broker) or, without auto-rotate,
   * the current one.
   */
  choose(exclude: ReadonlySet<string>, stayOn: string | null = null): Selection {
    const now = this.ctx.now();
    const all = [...this.live.values()];
    const only = stayOn ?? (this.autoRotate ? null : this.current);
    const pool = only ? all.filter((p) => p.row.name === only) : all;
    return select({
      candidates: pool.map((p) => ({
        name: p.row.name,
        windows: p.windows,
        usable: p.usable,
        backoffUntil: p.backoff?.until ?? null,
        backoffReason: p.backoff?.reason ?? null,
        lastSelectedAt: p.lastSelectedAt,
        health: p.health,
      })),
      current: this.current,
      pinned: this.pinned,
      exclude,
      now,
    });
  }

  /** Makes `name` the profile new work goes to; one event when that changes. */
  select(name: string, reason: string): void {
    const p = this.live.get(name);
    if (!p) return;
    const now = this.ctx.now();
    p.lastSelectedAt = now;
    if (this.current === name) return;
    const from = this.current;
    this.current = name;
    this.ctx.events.emit({ kind: "profile.selected", profile: name, message: from ? `now serving from ${name} (was ${from}): ${reason}` : `serving from ${name}: ${reason}`, data: { from } });
    this.ctx.writes.write({ repo: "profiles", method: "markSelected", args: [name, now] });
  }

  /** Fresh windows from an answer's headers, applied at once (persisted by `succeeded`). */
  observe(name: string, windows: UsageWindow[]): void {
    const p = this.live.get(name);
    if (!p || windows.length === 0) return;
    p.windows = windows;
    p.fetchedAt = this.ctx.now();
  }

  succeeded(name: string, latencyMs: number, windows: UsageWindow[]): void {
    const p = this.live.get(name);
    if (!p) return;
    const now = this.ctx.now();
    p.requests++;
    p.health = Math.min(1, p.health + 0.25);
    p.latencies.push(latencyMs);
    if (p.latencies.length > LATENCY_SAMPLES) p.latencies.shift();
    if (p.backoff && p.backoff.reason !== "quota") {
      p.backoff = null;
      this.ctx.writes.write({ repo: "backoffs", method: "clear", args: [p.row.id] });
    }
    if (windows.length === 0) return;
    p.windows = windows;
    p.fetchedAt = now;
    if (now - p.persistedUsageAt < HEADER_PERSIST_MS) return;
    p.persistedUsageAt = now;
    this.ctx.writes.write({ repo: "usage", method: "insert", args: [{ profileId: p.row.id, fetchedAt: now, source: "headers", plan: p.plan, windows }] });
  }

  /** Backs a profile off after a failure before commit; returns when it may be tried again. */
  failed(name: string, kind: BackoffKind, reason: string, until: number | null): number {
    const p = this.live.get(name);
    const now = this.ctx.now();
    if (!p) return now;
    p.errors++;
    let untilAt: number;
    if (kind === "quota") {
      untilAt = until ?? quotaResetFromWindows(p.windows, now) ?? now + QUOTA_FALLBACK_MS;
      // Until a fresh usage fetch says otherwise, the account is full.
      p.windows = markExhausted(p.windows, untilAt);
    } else {
      p.health = Math.max(0, p.health - 0.3);
      const attempts = p.backoff && p.backoff.until > now - 60_000 ? 2 : 1;
      // The upstream's Retry-After is the best estimate; our own exponential rest is the fallback.
      untilAt = until !== null && until > now ? until : now + transientBackoffFor(kind, attempts);
    }
    p.backoff = { reason: kind, until: untilAt, message: reason };
    this.ctx.writes.write({ repo: "backoffs", method: "set", args: [p.row.id, kind, untilAt, reason, now] });
    this.ctx.events.emit({ kind: "backoff", level: "warn", profile: name, message: `${name} backed off until ${new Date(untilAt).toISOString()}: ${reason}`, data: { reason: kind, until: untilAt } });
    return untilAt;
  }

  /**
   * The account that comes back soonest from a rate-limit rest, if any: when nothing can
   * serve, waiting a moment for it beats refusing the client.
   */
  soonestTransient(): { name: string; until: number } | null {
    const now = this.ctx.now();
    let best: { name: string; until: number } | null = null;
    for (const p of this.live.values()) {
      // Rate limits pass quickly; an overloaded or failing upstream is not worth waiting on.
      if (!p.usable || !p.backoff || p.backoff.reason !== "transient" || p.backoff.until <= now) continue;
      if (quotaStatus(p.windows, now) === "exhausted") continue;
      if (!best || p.backoff.until < best.until) best = { name: p.row.name, until: p.backoff.until };
    }
    return best;
  }

  /** Lifts a short rest early (the caller waited it out). */
  clearTransient(name: string): void {
    const p = this.live.get(name);
    if (p?.backoff && p.backoff.reason !== "quota") p.backoff = null;
  }

  markNeedsLogin(name: string): void {
    const p = this.live.get(name);
    if (p) p.usable = false;
  }

  /**
   * Each profile's windows and whether it can take work now: the cheap part of `snapshot()`
   * that runs on every request (pooled usage headers), without the dashboard's counters.
   */
  usageStates(now: number): UsageState[] {
    const out: UsageState[] = [];
    for (const p of this.live.values()) {
      out.push({
        name: p.row.name,
        windows: p.windows,
        needsLogin: !p.usable,
        exhausted: quotaStatus(p.windows, now) === "exhausted",
        backoffUntil: p.backoff && p.backoff.until > now ? p.backoff.until : null,
      });
    }
    return out;
  }

  snapshot(): PoolSnapshot {
    const now = this.ctx.now();
    const profiles: ProfileView[] = [...this.live.values()].map((p) => ({
      name: p.row.name,
      email: p.row.email,
      plan: p.plan,
      status: quotaStatus(p.windows, now),
      needsLogin: !p.usable,
      windows: p.windows,
      fetchedAt: p.fetchedAt,
      backoff: p.backoff && p.backoff.until > now ? p.backoff : null,
      current: p.row.name === this.current,
      requests: p.requests,
      errors: p.errors,
      latencyMs: median(p.latencies),
    }));
    return { at: now, current: this.current, pinned: this.pinned, autoRotate: this.autoRotate, profiles };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

function quotaResetFromWindows(windows: UsageWindow[], now: number): number | null {
  const resets = windows.filter((w) => w.limit === "codex" && w.resetAt !== null && w.resetAt > now).map((w) => w.resetAt as number);
  return resets.length ? Math.min(...resets) : null;
}

function markExhausted(windows: UsageWindow[], until: number): UsageWindow[] {
  const main = windows.filter((w) => w.limit === "codex");
  if (main.length === 0) return [{ label: "5h", usedPercent: 100, windowSeconds: null, resetAt: until, limit: "codex" }, ...windows];
  // The window resetting at `until` (or the shortest) is the one that is full.
  const target = main.find((w) => w.resetAt !== null && Math.abs(w.resetAt - until) < 120_000) ?? main[0];
  return windows.map((w) => (w === target ? { ...w, usedPercent: 100, resetAt: until } : w));
}

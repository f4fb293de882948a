import {
  type Availability,
  type Candidate,
  type Context,
  type PoolSnapshot,
  type ProfileRef,
  type Paused,
  type ProfileView,
  type Selection,
  type UsageWindow,
  loadProfileStates,
  type RestHistory,
  availability,
  describeAvailability,
  nextStreak,
  pausedFrom,
  quotaStatus,
  restUntil,
  select,
  setProfilePaused,
} from "@prodex/core";
import type { ProfileRow } from "@prodex/store";
import type { PoolPort, PoolView, RestRequest } from "../rotation/ports.ts";

type Live = {
  row: ProfileRow;
  windows: UsageWindow[];
  fetchedAt: number | null;
  plan: string | null;
  backoff: { reason: string; until: number; message: string | null } | null;
  /** The last rest and the streak it belonged to: what the next rest grows from. */
  history: RestHistory | null;
  usable: boolean;
  health: number;
  requests: number;
  errors: number;
  latencies: number[];
  lastSelectedAt: number | null;
  persistedUsageAt: number;
};

/** What the pooled usage view needs of a profile (see `PoolRuntime.usageStates`). */
/** One account as a scrape or the pooled usage reads it; `paused` is its operator's, whatever else it says. */
export type UsageState = { name: string; windows: UsageWindow[]; availability: Availability; paused: boolean };

export type PoolRuntimeOptions = {
  preferred: string | null;
  autoRotate: boolean;
  /** Reload shared state (other processes' backoffs and usage) this often. */
  syncMs?: number;
};

const HEADER_PERSIST_MS = 30_000;
const LATENCY_SAMPLES = 50;

/**
 * The proxy's live view of the pool: profiles, usage, backoffs, health and counters. Seeded
 * from the store, kept current by every answer, and written back (through the context's
 * batched writer, off the request path) so other prodex processes and the dashboard see what
 * this one learned; memory stays right while the store is busy.
 */
export class PoolRuntime implements PoolPort {
  private live = new Map<string, Live>();
  private currentName: string | null;
  private pinnedName: string | null = null;
  private rotating: boolean;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: Context,
    options: PoolRuntimeOptions,
  ) {
    this.currentName = options.preferred;
    this.rotating = options.autoRotate;
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
        history:
          s.backoff && (!prev?.history || s.backoff.until >= prev.history.until)
            ? { streak: s.backoff.attempts, until: s.backoff.until }
            : (prev?.history ?? null),
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
    if (this.currentName && !next.has(this.currentName)) this.currentName = null;
  }

  /** The account new work went to last. */
  get current(): string | null {
    return this.currentName;
  }

  get pinned(): string | null {
    return this.pinnedName;
  }

  get autoRotate(): boolean {
    return this.rotating;
  }

  /** The operator's pin (null: none): used whenever it can serve. */
  pin(name: string | null): void {
    this.pinnedName = name;
  }

  setAutoRotate(on: boolean): void {
    this.rotating = on;
  }

  /**
   * Takes `name` out of the pool (`paused`) or puts it back: stored at once (a restart, the broker's other launches
   * and the dashboard see it), applied here without waiting for the next reload. False: no such profile.
   */
  setPaused(name: string, paused: Paused | null): boolean {
    const p = this.live.get(name);
    if (!p) return false;
    p.row = setProfilePaused(this.ctx, name, paused);
    return true;
  }

  /** A launch names its profile: it becomes current when nothing is yet (a broker's first lease). */
  adoptCurrent(name: string): void {
    if (this.currentName === null && this.live.has(name)) this.currentName = name;
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

  /** Whether `name` can take new work now, and if not why and until when. */
  availability(name: string): Availability {
    const p = this.live.get(name);
    return availability(p && candidate(p), this.ctx.now());
  }

  /** The pool as selection sees it (the rotation loop's read). */
  view(): PoolView {
    const candidates: Candidate[] = [];
    for (const p of this.live.values()) candidates.push(candidate(p));
    return { candidates, current: this.currentName, pinned: this.pinnedName, autoRotate: this.rotating };
  }

  /** Ranks the pool with the selection policy (held to `stayOn`, or to the current one without auto-rotate). */
  choose(exclude: ReadonlySet<string>, stayOn: string | null = null): Selection {
    const view = this.view();
    const only = stayOn ?? (view.autoRotate ? null : view.current);
    const candidates = only ? view.candidates.filter((c) => c.name === only) : view.candidates;
    return select({ candidates, current: view.current, pinned: view.pinned, exclude, now: this.ctx.now() });
  }

  /** Makes `name` the profile new work goes to; one event when that changes. */
  select(name: string, reason: string): void {
    const p = this.live.get(name);
    if (!p) return;
    const now = this.ctx.now();
    p.lastSelectedAt = now;
    if (this.currentName === name) return;
    const from = this.currentName;
    this.currentName = name;
    this.ctx.events.emit({
      kind: "profile.selected",
      profile: name,
      message: from ? `now serving from ${name} (was ${from}): ${reason}` : `serving from ${name}: ${reason}`,
      data: { from },
    });
    this.ctx.writes.write({ repo: "profiles", method: "markSelected", args: [name, now] });
  }

  /** Fresh windows from an answer's headers, applied at once (persisted by `succeeded`); none changes nothing. */
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
    this.ctx.writes.write({
      repo: "usage",
      method: "insert",
      args: [{ profileId: p.row.id, fetchedAt: now, source: "headers", plan: p.plan, windows }],
    });
  }

  /** Rests a profile after a failure before commit (backoff.ts); returns when it may serve again. */
  rest(name: string, rest: RestRequest): number {
    const p = this.live.get(name);
    const now = this.ctx.now();
    if (!p) return now;
    p.errors++;
    const streak = nextStreak(p.history, now);
    const untilAt = restUntil({
      kind: rest.kind,
      upstreamUntil: rest.until,
      streak,
      now,
      windowsReset: quotaResetFromWindows(p.windows, now),
    });
    // Until a fresh usage fetch says otherwise, the account is full.
    if (rest.kind === "quota") p.windows = markExhausted(p.windows, untilAt);
    else p.health = Math.max(0, p.health - 0.3);
    p.backoff = { reason: rest.kind, until: untilAt, message: rest.reason };
    p.history = { streak, until: untilAt };
    this.ctx.writes.write({
      repo: "backoffs",
      method: "set",
      args: [p.row.id, rest.kind, untilAt, rest.reason, now, streak],
    });
    // In availability's words, as the panel and `prodex quota` say them; the upstream's reason after.
    const said = describeAvailability(availability(candidate(p), now), (t) => new Date(t).toISOString());
    this.ctx.events.emit({
      kind: "backoff",
      level: "warn",
      profile: name,
      message: `${name}: ${said} (${rest.reason})`,
      data: { reason: rest.kind, until: untilAt },
    });
    return untilAt;
  }

  needsLogin(name: string): void {
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
      const paused = p.row.pausedAt !== null;
      out.push({ name: p.row.name, windows: p.windows, availability: availability(candidate(p), now), paused });
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
      current: p.row.name === this.currentName,
      requests: p.requests,
      errors: p.errors,
      latencyMs: median(p.latencies),
      paused: pausedFrom(p.row),
    }));
    return { at: now, current: this.currentName, pinned: this.pinnedName, autoRotate: this.rotating, profiles };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function candidate(p: Live): Candidate {
  return {
    name: p.row.name,
    windows: p.windows,
    usable: p.usable,
    backoffUntil: p.backoff?.until ?? null,
    backoffReason: p.backoff?.reason ?? null,
    lastSelectedAt: p.lastSelectedAt,
    health: p.health,
    paused: pausedFrom(p.row),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

function quotaResetFromWindows(windows: UsageWindow[], now: number): number | null {
  const resets = windows
    .filter((w) => w.limit === "codex" && w.resetAt !== null && w.resetAt > now)
    .map((w) => w.resetAt as number);
  return resets.length ? Math.min(...resets) : null;
}

function markExhausted(windows: UsageWindow[], until: number): UsageWindow[] {
  const main = windows.filter((w) => w.limit === "codex");
  if (main.length === 0)
    return [{ label: "5h", usedPercent: 100, windowSeconds: null, resetAt: until, limit: "codex" }, ...windows];
  // The window resetting at `until` (or the shortest) is the one that is full.
  const target = main.find((w) => w.resetAt !== null && Math.abs(w.resetAt - until) < 120_000) ?? main[0];
  return windows.map((w) => (w === target ? { ...w, usedPercent: 100, resetAt: until } : w));
}

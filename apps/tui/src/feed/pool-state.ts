import type { PoolEvent, PoolFeedMessage, PoolSnapshot, ProfileView, UsageWindow } from "@prodex/core/types";
import { type AccountStatus, accountStatus, mainWindows as mainWindowsOf } from "@prodex/core";

export type QuotaPoint = { at: number; used: number };

/** What the dashboard draws: the latest snapshot, the event tail, and per-profile quota history. */
export type PoolState = {
  snapshot: PoolSnapshot;
  /** Oldest first. */
  events: PoolEvent[];
  history: Record<string, QuotaPoint[]>;
  lastRotation: PoolEvent | null;
};

const EVENT_LIMIT = 500;
const HISTORY_LIMIT = 120;

export function initPoolState(snapshot: PoolSnapshot, events: PoolEvent[] = []): PoolState {
  const tail = events.slice(-EVENT_LIMIT);
  const state: PoolState = { snapshot, events: tail, history: {}, lastRotation: findLastRotation(tail) };
  return { ...state, history: addHistory(state.history, snapshot) };
}

export function applyFeedMessage(state: PoolState, msg: PoolFeedMessage): PoolState {
  if (msg.type === "snapshot")
    return { ...state, snapshot: msg.snapshot, history: addHistory(state.history, msg.snapshot) };
  // Usage is the usage view's, read only while it is shown (use-feed-usage.ts): the pool's screens do not redraw.
  if (msg.type === "usage") return state;
  const e = msg.event;
  // The feed may replay what recent() already returned; ids are unique per store.
  if (state.events.some((x) => x.id === e.id)) return state;
  const events = state.events.length >= EVENT_LIMIT ? [...state.events.slice(1), e] : [...state.events, e];
  return { ...state, events, lastRotation: e.kind === "rotation" ? e : state.lastRotation };
}

function findLastRotation(events: PoolEvent[]): PoolEvent | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.kind === "rotation") return e;
  }
  return null;
}

function addHistory(history: Record<string, QuotaPoint[]>, snap: PoolSnapshot): Record<string, QuotaPoint[]> {
  let next = history;
  for (const p of snap.profiles) {
    const w = mainWindows(p).primary;
    if (!w || p.fetchedAt === null) continue;
    const points = next[p.name] ?? [];
    const last = points[points.length - 1];
    if (last && last.at >= p.fetchedAt) continue;
    if (next === history) next = { ...history };
    next[p.name] = [...points, { at: p.fetchedAt, used: w.usedPercent }].slice(-HISTORY_LIMIT);
  }
  return next;
}

/** The main Codex limit's 5h and weekly windows, and any additional limits. */
export function mainWindows(p: ProfileView): { primary?: UsageWindow; weekly?: UsageWindow; others: UsageWindow[] } {
  return mainWindowsOf(p.windows);
}

export type PoolTotals = {
  requests: number;
  errors: number;
  latencyMs: number | null;
  /** Profiles by availability: "ready" can serve; the rest say why not (core pool/account-status.ts). */
  counts: Record<AccountStatus["state"], number>;
};

export function poolTotals(snap: PoolSnapshot, now = snap.at): PoolTotals {
  const counts = { ready: 0, "needs-login": 0, quota: 0, resting: 0, paused: 0, unknown: 0 };
  let requests = 0;
  let errors = 0;
  let latSum = 0;
  let latWeight = 0;
  for (const p of snap.profiles) {
    counts[accountStatus(p, now).state]++;
    requests += p.requests;
    errors += p.errors;
    if (p.latencyMs !== null) {
      // Weight each profile's median by its traffic: a rough pool-wide figure.
      const w = Math.max(1, p.requests);
      latSum += p.latencyMs * w;
      latWeight += w;
    }
  }
  return { requests, errors, latencyMs: latWeight ? latSum / latWeight : null, counts };
}

/** The profile serving now, by snapshot.current, else the one flagged current. */
export function servingProfile(snap: PoolSnapshot): ProfileView | undefined {
  return snap.profiles.find((p) => p.name === snap.current) ?? snap.profiles.find((p) => p.current);
}

/** Reads `data.from`/`data.to`/`data.reason` of a rotation when the proxy supplies them. */
export function rotationInfo(e: PoolEvent): { from: string | null; to: string | null; reason: string | null } {
  const d = e.kind === "rotation" ? e.data : undefined;
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  return { from: str(d?.from), to: str(d?.to) ?? e.profile, reason: str(d?.reason) };
}

import type {
  EventKind,
  EventLevel,
  PoolEvent,
  PoolFeed,
  PoolFeedMessage,
  PoolSnapshot,
  UsageSummary,
} from "@prodex/core/types";

export type EventInput = {
  kind: EventKind;
  message: string;
  profile?: string | null;
  level?: EventLevel;
  at?: number;
  data?: Record<string, unknown>;
};

export type StaticFeed = PoolFeed & {
  /** Append an event (id and time filled in) and deliver it to subscribers. */
  push(event: EventInput): PoolEvent;
  /** Replace the snapshot (or derive it from the current one) and deliver it. */
  update(next: PoolSnapshot | ((current: PoolSnapshot) => PoolSnapshot)): void;
  /** Replace the usage summary and deliver it. */
  setUsage(usage: UsageSummary): void;
  readonly closed: boolean;
};

/**
 * An in-memory PoolFeed: for tests, demos and the offline `prodex dashboard`.
 * pin/setAutoRotate change the snapshot like the proxy would, and log a `control` event.
 */
export function createStaticFeed(
  snapshot: PoolSnapshot,
  events: PoolEvent[] = [],
  limit = 500,
  usage: UsageSummary | null = null,
): StaticFeed {
  let snap = snapshot;
  let summary = usage;
  let log = events.slice(-limit);
  let nextId = log.reduce((m, e) => Math.max(m, e.id), 0) + 1;
  let closed = false;
  const listeners = new Set<(m: PoolFeedMessage) => void>();

  const emit = (m: PoolFeedMessage) => {
    if (closed) return;
    for (const fn of [...listeners]) fn(m);
  };

  const push = (input: EventInput): PoolEvent => {
    const event: PoolEvent = {
      id: nextId++,
      at: input.at ?? Date.now(),
      kind: input.kind,
      level: input.level ?? (input.kind === "error" || input.kind.endsWith("failed") ? "error" : "info"),
      profile: input.profile ?? null,
      message: input.message,
      ...(input.data ? { data: input.data } : {}),
    } as PoolEvent; // an in-memory fixture: its data is trusted as given
    log = [...log, event].slice(-limit);
    emit({ type: "event", event });
    return event;
  };

  const update = (next: PoolSnapshot | ((current: PoolSnapshot) => PoolSnapshot)) => {
    snap = typeof next === "function" ? next(snap) : next;
    emit({ type: "snapshot", snapshot: snap });
  };

  return {
    snapshot: () => snap,
    recent: () => log.slice(),
    usage: () => summary,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async pin(profile) {
      if (profile !== null && !snap.profiles.some((p) => p.name === profile))
        throw new Error(`no profile named "${profile}"`);
      const current = profile ?? snap.current;
      update((s) => ({
        ...s,
        at: Date.now(),
        pinned: profile,
        current,
        profiles: s.profiles.map((p) => ({ ...p, current: p.name === current })),
      }));
      push({ kind: "control", profile, message: profile ? `pinned ${profile}` : "unpinned" });
    },
    async setAutoRotate(enabled) {
      update((s) => ({ ...s, at: Date.now(), autoRotate: enabled }));
      push({ kind: "control", message: enabled ? "auto-rotate resumed" : "auto-rotate paused" });
    },
    async setPaused(profile, paused) {
      if (!snap.profiles.some((p) => p.name === profile)) throw new Error(`no profile named "${profile}"`);
      const at = Date.now();
      update((s) => ({
        ...s,
        at,
        profiles: s.profiles.map((p) => (p.name === profile ? { ...p, paused: paused ? { by: null, at } : null } : p)),
      }));
      push({ kind: "control", profile, message: paused ? `paused ${profile}` : `resumed ${profile}` });
    },
    push,
    update,
    setUsage(next) {
      summary = next;
      emit({ type: "usage", usage: next });
    },
    close() {
      closed = true;
      listeners.clear();
    },
    get closed() {
      return closed;
    },
  };
}

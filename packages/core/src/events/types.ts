// The pool's timeline. Events are stored (packages/store `events`) and streamed live by the
// proxy's `/__prodex/events` endpoint; the dashboard renders them.

export const eventKinds = [
  "quota.fetched",
  "quota.failed",
  "profile.selected",
  "rotation",
  "backoff",
  "backoff.cleared",
  "token.refreshed",
  "token.refresh_failed",
  "auth.needs_login",
  "request.completed",
  "request.failed",
  "continuation.stale",
  "proxy.started",
  "proxy.stopped",
  "control",
  "error",
] as const;

export type EventKind = (typeof eventKinds)[number];
export type EventLevel = "info" | "warn" | "error";

export type PoolEvent = {
  id: number;
  /** Epoch ms. */
  at: number;
  kind: EventKind;
  level: EventLevel;
  profile: string | null;
  /** One human-readable line (never contains secrets). */
  message: string;
  data?: Record<string, unknown>;
  pid?: number;
  /** Launch id of the process that wrote it. */
  source?: string;
};

export type NewEvent = Omit<PoolEvent, "id" | "at" | "level" | "profile"> & {
  at?: number;
  level?: EventLevel;
  profile?: string | null;
};

import type { QuotaStatus, UsageWindow } from "../quota/types.ts";
import type { PoolEvent } from "./types.ts";

// What a dashboard needs to draw the pool. Built by the proxy (live) or from the store (offline).

export type ProfileView = {
  name: string;
  email: string | null;
  plan: string | null;
  status: QuotaStatus;
  needsLogin: boolean;
  windows: UsageWindow[];
  /** Epoch ms of the usage snapshot the windows come from; null when never fetched. */
  fetchedAt: number | null;
  backoff: { reason: string; until: number; message: string | null } | null;
  /** The profile new requests go to now. */
  current: boolean;
  requests: number;
  errors: number;
  /** Median upstream latency of recent requests, ms; null when none yet. */
  latencyMs: number | null;
};

export type PoolSnapshot = {
  at: number;
  current: string | null;
  pinned: string | null;
  autoRotate: boolean;
  profiles: ProfileView[];
  /** Read from the store with no proxy running: nothing serves, `current` is where the next launch starts. */
  offline?: boolean;
};

export type PoolFeedMessage = { type: "event"; event: PoolEvent } | { type: "snapshot"; snapshot: PoolSnapshot };

/** Live source of pool state for dashboards; implemented over the proxy's event stream. */
export interface PoolFeed {
  snapshot(): PoolSnapshot;
  recent(): PoolEvent[];
  subscribe(listener: (message: PoolFeedMessage) => void): () => void;
  pin(profile: string | null): Promise<void>;
  setAutoRotate(enabled: boolean): Promise<void>;
  close(): void;
}

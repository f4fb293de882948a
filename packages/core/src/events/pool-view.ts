import { z } from "zod";
import type { QuotaStatus, UsageWindow } from "../quota/types.ts";
import type { UsageSummary } from "../ledger/usage-summary.ts";
import type { Paused } from "../pool/availability.ts";
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
  /** Taken out of the pool by its operator (who, when); absent or null: in the pool. */
  paused?: Paused | null;
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

export type PoolFeedMessage =
  | { type: "event"; event: PoolEvent }
  | { type: "snapshot"; snapshot: PoolSnapshot }
  /** The usage ledger's totals changed (a request finished, or a period slid): the usage view's data. */
  | { type: "usage"; usage: UsageSummary };

/** Live source of pool state for dashboards; implemented over the proxy's event stream. */
export interface PoolFeed {
  snapshot(): PoolSnapshot;
  recent(): PoolEvent[];
  /** The latest usage summary; null until the source has read its ledger (or when it has none). */
  usage(): UsageSummary | null;
  subscribe(listener: (message: PoolFeedMessage) => void): () => void;
  pin(profile: string | null): Promise<void>;
  setAutoRotate(enabled: boolean): Promise<void>;
  /** Takes an account out of the pool (true) or puts it back: no new conversation goes to a paused one. */
  setPaused(profile: string, paused: boolean): Promise<void>;
  close(): void;
}

const windowSchema = z.object({
  label: z.enum(["5h", "weekly", "other"]),
  usedPercent: z.number(),
  windowSeconds: z.number().nullable(),
  resetAt: z.number().nullable(),
  limit: z.string(),
});

const profileViewSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  plan: z.string().nullable(),
  status: z.enum(["ready", "thin", "critical", "exhausted", "unknown"]),
  needsLogin: z.boolean(),
  windows: z.array(windowSchema),
  fetchedAt: z.number().nullable(),
  backoff: z.object({ reason: z.string(), until: z.number(), message: z.string().nullable() }).nullable(),
  current: z.boolean(),
  requests: z.number(),
  errors: z.number(),
  latencyMs: z.number().nullable(),
  paused: z.object({ by: z.string().nullable(), at: z.number() }).nullable().optional(),
});

/** Validates a snapshot read from outside the process (the proxy's state route and feed). */
export const poolSnapshotSchema: z.ZodType<PoolSnapshot> = z.object({
  at: z.number(),
  current: z.string().nullable(),
  pinned: z.string().nullable(),
  autoRotate: z.boolean(),
  profiles: z.array(profileViewSchema),
  offline: z.boolean().optional(),
});

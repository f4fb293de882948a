import { z } from "zod";
import type { PoolFeed } from "./pool-view.ts";

// What `prodex dashboard --gateway URL` reads from a gateway instance beyond the pool view (pool-view.ts): who
// the key is, the instances, and the top keys by usage. The gateway answers these shapes; the dashboard validates
// them with the same schemas (what comes over the network is never trusted as typed).

export const gatewayRoleSchema = z.enum(["user", "viewer", "admin"]);
export type GatewayRole = z.infer<typeof gatewayRoleSchema>;

/** `GET /gateway/v1/whoami`. */
export const whoamiSchema = z.object({ instance: z.string(), role: gatewayRoleSchema, name: z.string() });
export type Whoami = z.infer<typeof whoamiSchema>;

/** One registered instance: where it listens, what it runs, its last heartbeat, why it is not ready (null: it is). */
export const teamInstanceSchema = z.object({
  id: z.string(),
  host: z.string(),
  url: z.string(),
  version: z.string(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
  notReady: z.string().nullable(),
});
export type TeamInstance = z.infer<typeof teamInstanceSchema>;

/** `GET /gateway/v1/instances`: `at` is the answering instance's clock (heartbeat ages are measured against it). */
export const instancesAnswerSchema = z.object({ at: z.number(), instances: z.array(teamInstanceSchema) });
export type InstancesAnswer = z.infer<typeof instancesAnswerSchema>;

/** The dashboard's reads of the gateway: when it last answered, and why the last read failed (null: it did not). */
export type TeamLink = { lastAnswer: number; failure: string | null };

/**
 * The team dashboard's feed: the pool view's (events from every instance; `usage()` is the ledger per key), plus the
 * gateway's own parts.
 */
export interface TeamFeed extends PoolFeed {
  readonly who: Whoami;
  readonly url: string;
  instances(): InstancesAnswer | null;
  link(): TeamLink;
  /** Revokes a gateway key (admin keys only); rejects with the gateway's one-line reason. */
  revoke(key: string): Promise<void>;
  /** Runs after the instances changed. */
  onTeam(listener: () => void): () => void;
}

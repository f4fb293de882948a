import { randomBytes } from "node:crypto";
import type { ModelConfig } from "../anthropic/model-map.ts";
import type { LaunchScope } from "../engine/launch-scope.ts";
import { type LaunchCredentials, launchCredentials, sameSecret } from "../routes/guards.ts";

/** A lease's heartbeat older than this (and its pid still there) ends it. */
export const LEASE_STALE_MS = 20_000;
/** How often a launch renews its lease. */
export const LEASE_HEARTBEAT_MS = 5_000;

export type LeaseInput = { pid: number; profile: string | null; autoRotate: boolean; models: ModelConfig | null };

export type Lease = LeaseInput & {
  id: string;
  /** The launch's own credential: its agent's environment carries it (header, API key, refresh URL). Never logged. */
  secret: string;
  openedAt: number;
  beatAt: number;
  readonly scope: LaunchScope;
  /** The scope with its secret and path id (derived from the secret at open; not stored anywhere). */
  readonly launch: LaunchCredentials;
};

export type LeaseEnd = "released" | "pid gone" | "heartbeat stale";

/**
 * Pure: whether a lease still holds. A launch's process that is gone ends its lease at once;
 * one that stopped renewing (hung, or its pid reused by something else) ends after `staleMs`.
 */
export function leaseEnd(
  lease: Pick<Lease, "beatAt">,
  now: number,
  pidAlive: boolean,
  staleMs = LEASE_STALE_MS,
): LeaseEnd | null {
  if (!pidAlive) return "pid gone";
  if (now - lease.beatAt > staleMs) return "heartbeat stale";
  return null;
}

export type LeaseHooks = {
  opened?: (lease: Lease) => void;
  renewed?: (lease: Lease) => void;
  ended?: (lease: Lease, why: LeaseEnd) => void;
};

export const newSecret = (): string => randomBytes(24).toString("base64url");
const newId = (): string => randomBytes(6).toString("hex");

/** The broker's launches: who may use the proxy, with which options. */
export class LeaseTable {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly now: () => number,
    private readonly hooks: LeaseHooks = {},
    private readonly staleMs = LEASE_STALE_MS,
  ) {}

  get size(): number {
    return this.leases.size;
  }

  list(): Lease[] {
    return [...this.leases.values()];
  }

  get(id: string): Lease | undefined {
    return this.leases.get(id);
  }

  /** A new lease; `known` re-admits one the broker had let go (same id and secret, e.g. after a suspend). */
  open(input: LeaseInput, known?: { id: string; secret: string }): Lease {
    const now = this.now();
    const id = known?.id ?? newId();
    const secret = known?.secret ?? newSecret();
    const scope: LaunchScope = { id, profile: input.profile, autoRotate: input.autoRotate, models: input.models };
    const lease: Lease = {
      ...input,
      id,
      secret,
      openedAt: now,
      beatAt: now,
      scope,
      launch: launchCredentials(secret, scope),
    };
    this.leases.set(id, lease);
    this.hooks.opened?.(lease);
    return lease;
  }

  /** Heartbeat; null when no such lease is held. */
  renew(id: string): Lease | null {
    const lease = this.leases.get(id);
    if (!lease) return null;
    lease.beatAt = this.now();
    this.hooks.renewed?.(lease);
    return lease;
  }

  release(id: string, why: LeaseEnd = "released"): Lease | null {
    const lease = this.leases.get(id);
    if (!lease) return null;
    this.leases.delete(id);
    this.hooks.ended?.(lease, why);
    return lease;
  }

  /** Ends the leases whose launch is gone or silent; returns them. */
  sweep(alive: (pid: number) => boolean): { lease: Lease; why: LeaseEnd }[] {
    const now = this.now();
    const ended: { lease: Lease; why: LeaseEnd }[] = [];
    for (const lease of this.list()) {
      const why = leaseEnd(lease, now, alive(lease.pid), this.staleMs);
      if (!why) continue;
      this.release(lease.id, why);
      ended.push({ lease, why });
    }
    return ended;
  }

  /** After the broker itself was asleep (suspend): nobody could renew, so nobody is stale. */
  forgive(): void {
    const now = this.now();
    for (const lease of this.leases.values()) lease.beatAt = now;
  }

  /** The scope of the live lease whose secret this is. Every lease is compared, in constant time each. */
  authenticate(given: string | undefined): LaunchScope | null {
    let found: LaunchScope | null = null;
    for (const lease of this.leases.values()) if (sameSecret(given, lease.secret)) found = lease.scope;
    return found;
  }

  /** The live lease whose path id this is (Codex's `/s/<id>/` URLs), compared like `authenticate`. */
  authenticatePath(given: string | undefined): LaunchCredentials | null {
    let found: LaunchCredentials | null = null;
    for (const lease of this.leases.values()) if (sameSecret(given, lease.launch.pathId)) found = lease.launch;
    return found;
  }
}

import { hostname } from "node:os";
import type { GatewayStore, InstanceRow } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";

/** An instance whose heartbeat is older than this is gone (killed without a goodbye); its row is removed. */
export const INSTANCE_LEASE_MS = 15_000;

/** This instance's registration: written at start, a heartbeat every 5 s, removed on a clean stop. */
export class InstanceRegistry {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    readonly id: string,
    private readonly leaseMs = INSTANCE_LEASE_MS,
    /** Why this instance is not ready (null: it is), written with each heartbeat for dashboards. */
    private readonly notReady: () => string | null = () => null,
  ) {}

  async register(url: string, version: string): Promise<void> {
    await this.store.instances.register({
      id: this.id,
      host: hostname(),
      url,
      pid: process.pid,
      version,
      startedAt: Date.now(),
    });
    // Three heartbeats per lease: one lost beat does not expire a live instance.
    this.timer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref?.();
  }

  private async beat(): Promise<void> {
    try {
      await this.store.instances.heartbeat(this.id, Date.now(), this.notReady());
      await this.store.instances.expire(this.leaseMs);
      this.health.up();
    } catch (e) {
      this.health.failed(e);
    }
  }

  /** The live registrations; this instance's readiness as it is now, not as its last heartbeat wrote it. */
  async live(): Promise<InstanceRow[]> {
    const rows = await this.store.instances.live(this.leaseMs);
    return rows.map((r) => (r.id === this.id ? { ...r, notReady: this.notReady() } : r));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.instances.remove(this.id).catch(() => {});
  }
}

import { hostname } from "node:os";
import type { GatewayStore, InstanceRow } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";

/** An instance whose heartbeat is older than this is gone (killed without a goodbye); its row is removed. */
export const INSTANCE_LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;

/** This instance's registration: written at start, a heartbeat every 5 s, removed on a clean stop. */
export class InstanceRegistry {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    readonly id: string,
  ) {}

  async register(url: string, version: string): Promise<void> {
    await this.store.instances.register({ id: this.id, host: hostname(), url, pid: process.pid, version, startedAt: Date.now() });
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref?.();
  }

  private async beat(): Promise<void> {
    try {
      await this.store.instances.heartbeat(this.id);
      await this.store.instances.expire(INSTANCE_LEASE_MS);
      this.health.up();
    } catch (e) {
      this.health.failed(e);
    }
  }

  live(): Promise<InstanceRow[]> {
    return this.store.instances.live(INSTANCE_LEASE_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.instances.remove(this.id).catch(() => {});
  }
}

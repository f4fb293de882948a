import { NotFoundError } from "@prodex/core";
import type { ControlBody } from "@prodex/proxy";
import type { GatewayStore, PoolControlRow } from "@prodex/store/pg";
import { pauseAccount } from "../admin/accounts.ts";
import { audit } from "../admin/audit.ts";
import type { DbHealth } from "./db-health.ts";
import type { SharedCache } from "./shared-cache.ts";

/** The proxy's own pin and rotation switch (pool-runtime.ts): what selection honours on every instance. */
export type PoolHand = { pin(name: string | null): void; setAutoRotate(on: boolean): void };

export type PoolSetting = Pick<PoolControlRow, "pinned" | "autoRotate">;

/**
 * The pool-wide pin and pause: stored in PostgreSQL, applied to this instance's proxy through the same two calls
 * the local dashboard's control makes (so selection is one rule), and announced so every other instance applies
 * it on the notification. An instance that starts, or re-subscribes after an outage, reads the stored row.
 */
export class PoolControl {
  constructor(
    private readonly store: GatewayStore,
    private readonly cache: SharedCache,
    private readonly hand: PoolHand,
    private readonly health: DbHealth,
  ) {}

  async load(): Promise<void> {
    try {
      const row = await this.store.poolControl.get();
      this.apply(row ?? { pinned: null, autoRotate: true });
    } catch (e) {
      this.health.failed(e); // keeps what it had; the next (re)subscription reads again
    }
  }

  apply(s: PoolSetting): void {
    this.hand.pin(s.pinned);
    this.hand.setAutoRotate(s.autoRotate);
  }

  /**
   * An admin's pin / unpin / rotation switch / account pause or resume, by `who` (audited), for every instance. An
   * account's pause is its row's (`gw_accounts.paused_*`, admin/accounts.ts), not this pool-wide row's.
   */
  async set(body: ControlBody, who: string): Promise<void> {
    if ("pause" in body || "resume" in body) {
      await pauseAccount(this.store, "pause" in body ? body.pause : body.resume, "pause" in body, who);
      // This instance applies it before answering (the answer's snapshot shows it); the others on the notification.
      await this.cache.reload();
      return;
    }
    if ("pin" in body && body.pin !== null && !this.cache.accounts.has(body.pin))
      throw new NotFoundError(`no pool account named "${body.pin}"`, "see them with: prodex gateway account list");
    const row = await this.store.poolControl.set("pin" in body ? { pinned: body.pin } : body, who);
    await this.cache.publish({ t: "pool", pinned: row.pinned, autoRotate: row.autoRotate });
    if ("pin" in body) await audit(this.store, who, body.pin ? "pool.pinned" : "pool.unpinned", body.pin ?? "pool");
    else await audit(this.store, who, body.autoRotate ? "pool.resumed" : "pool.paused", "pool");
  }
}

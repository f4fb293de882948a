import { ProdexError } from "@prodex/core";
import type { GatewayStore } from "@prodex/store/pg";
import { GatewayError } from "../errors.ts";
import { CURRENT_KEY, loadSecretKeyRing } from "../secrets/secret-key.ts";
import type { TokenVault } from "../secrets/token-vault.ts";
import type { DbHealth } from "./db-health.ts";
import type { Notice, SharedCache } from "./shared-cache.ts";

/**
 * An instance's secret keys while it runs: the key file is re-read on SIGHUP and when `rotate-key` asks (the
 * answer tells it which keys this instance holds), and a rotation's notice moves sealing to the new key. A step
 * that cannot be taken keeps the keys held before and is reported by readiness (`problem`), never a crash.
 */
export class InstanceKeys {
  /** Why this instance cannot follow the database's key (readiness says it), else null. */
  problem: string | null = null;

  constructor(
    private readonly vault: TokenVault,
    private readonly env: Record<string, string | undefined>,
    private readonly reloadable: boolean,
    private readonly store: GatewayStore,
    private readonly cache: SharedCache,
    private readonly health: DbHealth,
    private readonly instance: string,
  ) {}

  /** Re-reads the key file; one clear line (a GatewayError or UsageError) when that cannot be done. */
  reload(): string[] {
    if (!this.reloadable)
      throw new GatewayError(
        `this instance was started with ${CURRENT_KEY.value}, which cannot be re-read while it runs`,
        `restart it with ${CURRENT_KEY.file} (a 0600 file: the newest key on the first line, older keys below)`,
      );
    const ring = loadSecretKeyRing(this.env);
    this.vault.replaceKeys(ring.keys, `${ring.file} (${CURRENT_KEY.file})`);
    return this.vault.ids();
  }

  /** Handles the key notices; others are not its business. */
  async receive(n: Notice): Promise<void> {
    if (n.t === "secret-key-ask") {
      let problem: string | null = null;
      try {
        this.reload();
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
      await this.cache.publish({
        t: "secret-key-held",
        instance: this.instance,
        ids: this.vault.ids(),
        reloadable: this.reloadable,
        problem,
      });
    } else if (n.t === "secret-key") await this.follow();
  }

  /** The database's current key changed: seal with it (re-reading the file once if it is not held yet). */
  async follow(): Promise<void> {
    try {
      const row = await this.store.secretKeys.current();
      if (!row || row.id === this.vault.key.id) return;
      try {
        this.vault.useCurrent(row);
      } catch (first) {
        if (!this.reloadable) throw first;
        this.reload();
        this.vault.useCurrent(row);
      }
      this.problem = null;
      await this.cache.reload();
    } catch (e) {
      if (e instanceof ProdexError) this.problem = e.message;
      else this.health.failed(e);
    }
  }
}

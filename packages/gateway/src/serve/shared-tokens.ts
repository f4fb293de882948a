import {
  AuthError,
  type ChatgptAuth,
  REFRESH_SKEW_MS,
  type RefreshReason,
  requestTokens,
  refreshedAuth,
} from "@prodex/core";
import type { GatewayStore } from "@prodex/store/pg";
import type { TokenVault } from "../secrets/token-vault.ts";
import type { DbHealth } from "./db-health.ts";
import { DatabaseUnavailableError } from "./db-unavailable.ts";
import type { SharedCache } from "./shared-cache.ts";

export type SharedTokensOptions = {
  refreshUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  instance: string;
  onRefreshed?: (name: string, reason: RefreshReason) => void;
  onNeedsLogin?: (name: string, why: string) => void;
};

/** Below this much life left a token is not used even while the database is down (a request outlives it). */
const LAST_RESORT_MS = 30_000;

/**
 * The rotation loop's token port for the gateway. A token that is still good comes from memory (decrypted once per
 * version). A refresh is single-flight across every instance: in this process one promise per account, across
 * hosts the account's row lock, under which the row is read again — if another instance refreshed meanwhile its
 * token is used and no call is made. The write lands only over the version read (never older over newer).
 */
export class SharedTokens {
  private readonly opened = new Map<string, { version: number; auth: ChatgptAuth }>();
  private readonly inflight = new Map<string, Promise<ChatgptAuth>>();
  private readonly now: () => number;
  /** Token endpoint calls made by this instance (tests and metrics). */
  calls = 0;

  constructor(
    private readonly cache: SharedCache,
    private readonly store: GatewayStore,
    private readonly vault: TokenVault,
    private readonly health: DbHealth,
    private readonly options: SharedTokensOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async current(name: string): Promise<ChatgptAuth> {
    const auth = this.cached(name);
    if (!this.expiresSoon(auth)) return auth;
    // Due for a refresh but still good, and the database that a refresh needs is down: use it while it lasts.
    if (!this.health.current.ok && auth.expiresAt !== null && auth.expiresAt - this.now() > LAST_RESORT_MS) return auth;
    return this.refresh(name, "proactive_expiry", auth.accessToken);
  }

  afterUnauthorized(name: string, rejectedAccessToken: string): Promise<ChatgptAuth> {
    return this.refresh(name, "unauthorized_recovery", rejectedAccessToken);
  }

  /** The account's login from memory (no database round trip). */
  cached(name: string): ChatgptAuth {
    const row = this.cache.accounts.get(name);
    if (!row) throw new AuthError(`account "${name}" is not in the gateway pool`, name, false);
    if (row.needsLogin)
      throw new AuthError(`account "${name}" needs login`, name, true, `run: prodex gateway account login ${name}`);
    const hit = this.opened.get(name);
    // A version this instance wrote itself may be ahead of the cached row until the reload its notice causes.
    if (hit && hit.version >= row.tokenVersion) return hit.auth;
    const auth = this.vault.openAuth(row);
    this.opened.set(name, { version: row.tokenVersion, auth });
    return auth;
  }

  private unreachable(name: string): DatabaseUnavailableError {
    return new DatabaseUnavailableError(`account ${name}'s token needs a refresh`, this.health.current, this.now());
  }

  private expiresSoon(auth: ChatgptAuth): boolean {
    return auth.expiresAt !== null && auth.expiresAt - this.now() < REFRESH_SKEW_MS;
  }

  private refresh(name: string, reason: RefreshReason, stale: string): Promise<ChatgptAuth> {
    const running = this.inflight.get(name);
    if (running) return running;
    const job = this.refreshLocked(name, reason, stale).finally(() => this.inflight.delete(name));
    this.inflight.set(name, job);
    return job;
  }

  private async refreshLocked(name: string, reason: RefreshReason, stale: string): Promise<ChatgptAuth> {
    if (!this.health.current.ok) throw this.unreachable(name);
    let dead: string | null = null;
    let result: { auth: ChatgptAuth; version: number; refreshed: boolean } | undefined;
    try {
      result = await this.store.accounts.locked(name, async ({ row, write, currentKey }) => {
        // A rotation ran and its notice is not here yet: seal with the new key (refused before any token call when
        // this instance does not hold it, so a refreshed token is never lost).
        if (currentKey && currentKey.id !== this.vault.key.id) this.vault.useCurrent(currentKey);
        const auth = this.vault.openAuth(row);
        // Another instance (or an earlier turn here) replaced the token we found wanting: use it, call nobody.
        const replaced = auth.accessToken !== stale && !this.expiresSoon(auth);
        if (replaced || (reason === "proactive_expiry" && !this.expiresSoon(auth)))
          return { auth, version: row.tokenVersion, refreshed: false };
        this.calls++;
        const answer = await requestTokens(
          { url: this.options.refreshUrl, fetch: this.options.fetch ?? fetch },
          name,
          auth.refreshToken,
          reason,
        );
        if (!answer.ok) {
          dead = answer.why;
          return { auth, version: row.tokenVersion, refreshed: false };
        }
        const next = refreshedAuth(auth, answer.tokens, this.now());
        const { auth: fresh, ...sealed } = this.vault.sealAuth(name, JSON.stringify(next));
        const version = await write(sealed);
        return { auth: fresh, version, refreshed: true };
      });
    } catch (e) {
      this.health.failed(e);
      if (!this.health.current.ok) throw this.unreachable(name);
      throw e;
    }
    if (!result) throw new AuthError(`account "${name}" was removed from the gateway pool`, name, false);
    if (dead) {
      await this.store.accounts.markNeedsLogin(name).catch((e) => this.health.failed(e));
      await this.cache.publish({ t: "account", name });
      this.options.onNeedsLogin?.(name, dead);
      throw new AuthError(
        `account "${name}" needs login: its refresh token was rejected (${dead})`,
        name,
        true,
        `run: prodex gateway account login ${name}`,
      );
    }
    this.opened.set(name, { version: result.version, auth: result.auth });
    if (result.refreshed) {
      this.options.onRefreshed?.(name, reason);
      await this.cache.publish({ t: "tokens", name, version: result.version });
    }
    return result.auth;
  }
}

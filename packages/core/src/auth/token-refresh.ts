import { statSync } from "node:fs";
import { AuthError } from "../errors.ts";
import { hang, tokenFetch } from "../faults/fault-effects.ts";
import type { Faults } from "../faults/faults.ts";
import { withFileLock } from "../fs/file-lock.ts";
import { type ChatgptAuth, authPath, readAuth, writeAuth } from "./auth-file.ts";
import { type TokenAnswer, refreshedAuth, requestTokens } from "./token-endpoint.ts";

export const DEFAULT_REFRESH_URL = "https://auth.openai.com/oauth/token";
/** Refresh proactively when the access token expires within this window. */
export const REFRESH_SKEW_MS = 5 * 60_000;

export type ProfileRef = { name: string; codexHome: string };
export type { RefreshReason } from "./token-endpoint.ts";
import type { RefreshReason } from "./token-endpoint.ts";

export type TokenHooks = {
  onRefreshed?: (profile: ProfileRef, reason: RefreshReason, auth: ChatgptAuth) => void;
  onNeedsLogin?: (profile: ProfileRef, reason: string) => void;
  onFailed?: (profile: ProfileRef, error: Error) => void;
};

export type TokenManagerOptions = {
  refreshUrl?: string;
  fetch?: typeof fetch;
  hooks?: TokenHooks;
  now?: () => number;
  timeoutMs?: number;
  /** PRODEX_FAULTS (token.down, token.reused, token.hang); null/absent: none. */
  faults?: Faults | null;
};

export function refreshUrlFromEnv(env: Record<string, string | undefined>): string {
  return env.CODEX_REFRESH_TOKEN_URL_OVERRIDE || DEFAULT_REFRESH_URL;
}

/**
 * Hands out access tokens for profiles and refreshes them safely:
 * one refresh per profile at a time (in-process single flight + cross-process lock file),
 * re-reading auth.json under the lock first (another process may have refreshed already),
 * atomic writes, and never an older token over a newer one.
 */
export class TokenManager {
  private readonly inflight = new Map<string, Promise<ChatgptAuth>>();
  private readonly cache = new Map<string, { mtimeMs: number; size: number; auth: ChatgptAuth }>();
  private readonly refreshUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions = {}) {
    this.refreshUrl = options.refreshUrl ?? DEFAULT_REFRESH_URL;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** The profile's login as on disk (cached by mtime), or an AuthError saying what to do. */
  read(profile: ProfileRef): ChatgptAuth {
    const path = authPath(profile.codexHome);
    let stat: { mtimeMs: number; size: number } | undefined;
    try {
      stat = statSync(path);
    } catch {
      stat = undefined;
    }
    const hit = this.cache.get(profile.codexHome);
    if (stat && hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.auth;
    const state = readAuth(profile.codexHome);
    if (state.kind !== "chatgpt") {
      this.cache.delete(profile.codexHome);
      const why =
        state.kind === "invalid"
          ? state.reason
          : state.kind === "api-key"
            ? `${path} holds an API key, not a ChatGPT login`
            : `no login in ${path}`;
      throw new AuthError(
        `profile "${profile.name}": ${why}`,
        profile.name,
        true,
        `run: prodex login -p ${profile.name}`,
      );
    }
    if (stat) this.cache.set(profile.codexHome, { mtimeMs: stat.mtimeMs, size: stat.size, auth: state });
    return state;
  }

  /** A token good for at least the refresh window; refreshes first when it is about to expire. */
  async current(profile: ProfileRef): Promise<ChatgptAuth> {
    const auth = this.read(profile);
    if (!this.expiresSoon(auth)) return auth;
    return this.refresh(profile, "proactive_expiry", auth.accessToken);
  }

  /** After upstream said 401 to `rejectedAccessToken`: use a newer token if one exists, else refresh. */
  afterUnauthorized(profile: ProfileRef, rejectedAccessToken: string): Promise<ChatgptAuth> {
    return this.refresh(profile, "unauthorized_recovery", rejectedAccessToken);
  }

  expiresSoon(auth: ChatgptAuth): boolean {
    return auth.expiresAt !== null && auth.expiresAt - this.now() < REFRESH_SKEW_MS;
  }

  refresh(profile: ProfileRef, reason: RefreshReason, staleAccessToken: string): Promise<ChatgptAuth> {
    const running = this.inflight.get(profile.codexHome);
    if (running) return running;
    const job = withFileLock(authPath(profile.codexHome), () =>
      this.refreshLocked(profile, reason, staleAccessToken),
    ).finally(() => this.inflight.delete(profile.codexHome));
    this.inflight.set(profile.codexHome, job);
    return job;
  }

  private async refreshLocked(
    profile: ProfileRef,
    reason: RefreshReason,
    staleAccessToken: string,
  ): Promise<ChatgptAuth> {
    this.cache.delete(profile.codexHome);
    const onDisk = this.read(profile);
    // Someone else (another prodex, or Codex itself) already replaced the token we found wanting.
    if (onDisk.accessToken !== staleAccessToken && !this.expiresSoon(onDisk)) return onDisk;
    if (reason === "proactive_expiry" && !this.expiresSoon(onDisk)) return onDisk;
    // Fault seam: the lock is held and nothing was sent yet (a kill here must cost nothing).
    const held = this.options.faults?.take("token.hang", profile.name);
    if (held) await hang(held.arg);

    const answer = await this.callTokenEndpoint(profile, onDisk, reason);
    if (!answer.ok) {
      // Rejected (used, revoked): if a new login replaced the one we sent meanwhile (`prodex login`,
      // Codex, another machine's copy), that one is good and nobody needs to log in.
      this.cache.delete(profile.codexHome);
      const replaced = readAuth(profile.codexHome);
      if (replaced.kind === "chatgpt" && replaced.refreshToken !== onDisk.refreshToken) return this.read(profile);
      this.notify(() => this.options.hooks?.onNeedsLogin?.(profile, answer.why));
      throw new AuthError(
        `profile "${profile.name}" needs login: its refresh token was rejected (${answer.why})`,
        profile.name,
        true,
        `run: prodex login -p ${profile.name}`,
      );
    }
    const next = refreshedAuth(onDisk, answer.tokens, this.now());
    this.cache.delete(profile.codexHome);
    const latest = readAuth(profile.codexHome);
    // Never put an older login over a newer one: Codex and `prodex login` write without our lock. A copy
    // that replaced the one we refreshed from, and is not older than it, was written after we started: keep it.
    if (
      latest.kind === "chatgpt" &&
      latest.refreshToken !== onDisk.refreshToken &&
      latest.lastRefresh >= onDisk.lastRefresh
    ) {
      return latest;
    }
    writeAuth(profile.codexHome, next);
    const written = this.read(profile);
    this.notify(() => this.options.hooks?.onRefreshed?.(profile, reason, written));
    return written;
  }

  /** Hooks observe (events, the store's auth state): a busy store there must never fail a refresh that worked. */
  private notify(hook: () => void): void {
    try {
      hook();
    } catch {
      // observers are best effort
    }
  }

  private async callTokenEndpoint(profile: ProfileRef, auth: ChatgptAuth, reason: RefreshReason): Promise<TokenAnswer> {
    const f = this.options.faults ? tokenFetch(this.options.faults, profile.name, this.fetchImpl) : this.fetchImpl;
    try {
      return await requestTokens(
        { url: this.refreshUrl, fetch: f, timeoutMs: this.options.timeoutMs },
        profile.name,
        auth.refreshToken,
        reason,
      );
    } catch (err) {
      this.notify(() => this.options.hooks?.onFailed?.(profile, err as Error));
      throw err;
    }
  }
}

import { sameSecret } from "../routes/guards.ts";
import type { ProxyState } from "./proxy-state.ts";

/** How long a refresh token the proxy saw stays acceptable to `/oauth/token` after it was last seen. */
export const REFRESH_TOKEN_WINDOW_MS = 60 * 60_000;
const PER_PROFILE = 8;
/**
 * Access tokens kept per profile. They are not windowed: a launched Codex keeps the one it read
 * at start for as long as ChatGPT accepts it, and the proxy replaces a token days apart.
 */
export const ACCESS_TOKENS_PER_PROFILE = 16;

type Seen = { token: string; at: number };

/**
 * Tokens each profile held recently, as this proxy saw them in the profiles' auth.json (in
 * memory only). A launched Codex presents what it read at start, which the proxy may have
 * rotated since: `/oauth/token` answers a refresh token the profile held within the window, and
 * the keyless ChatGPT routes take an access token any profile held as Codex's own login.
 */
export class RecentTokens {
  private readonly byProfile = new Map<string, Seen[]>();

  constructor(
    private readonly windowMs = REFRESH_TOKEN_WINDOW_MS,
    private readonly size = PER_PROFILE,
  ) {}

  /** The profile holds (or was handed) `token` at `now`. */
  note(profile: string, token: string, now: number): void {
    const ring = this.byProfile.get(profile) ?? [];
    const at = ring.findIndex((s) => s.token === token);
    if (at >= 0) ring.splice(at, 1);
    ring.unshift({ token, at: now });
    if (ring.length > this.size) ring.length = this.size;
    this.byProfile.set(profile, ring);
  }

  /** Whether the profile held `token` within the window (constant-time compare against each). */
  held(profile: string, token: string, now: number): boolean {
    let found = false;
    for (const s of this.byProfile.get(profile) ?? [])
      if (sameSecret(token, s.token) && now - s.at <= this.windowMs) found = true;
    return found;
  }

  /** The profile that held `token` within the window, if any. */
  holder(token: string, now: number): string | null {
    for (const profile of this.byProfile.keys()) if (this.held(profile, token, now)) return profile;
    return null;
  }
}

/** Notes the tokens each of `names` holds now (auth.json as on disk; TokenManager caches by mtime). */
export function observeLogins(state: ProxyState, names: readonly string[] = state.pool.names()): void {
  const now = state.ctx.now();
  for (const name of names) {
    if (!state.pool.row(name)) continue;
    try {
      const auth = state.ctx.tokens.read(state.pool.ref(name));
      state.refreshTokens.note(name, auth.refreshToken, now);
      state.accessTokens.note(name, auth.accessToken, now);
    } catch {
      // no usable login: nothing to note
    }
  }
}

import { sameSecret } from "../routes/guards.ts";
import type { ProxyState } from "./proxy-state.ts";

/** How long a refresh token the proxy saw stays acceptable to `/oauth/token` after it was last seen. */
export const REFRESH_TOKEN_WINDOW_MS = 60 * 60_000;
const PER_PROFILE = 8;

type Seen = { token: string; at: number };

/**
 * The refresh tokens each profile held recently, as this proxy saw them (in memory only).
 * A launched Codex presents the one it read at start, which the proxy may have rotated since;
 * `/oauth/token` answers such a token, and refuses one the profile never held while we watched.
 */
export class RecentRefreshTokens {
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
    for (const s of this.byProfile.get(profile) ?? []) if (sameSecret(token, s.token) && now - s.at <= this.windowMs) found = true;
    return found;
  }
}

/** Notes the refresh token each of `names` holds now (auth.json as on disk; TokenManager caches by mtime). */
export function observeLogins(state: ProxyState, names: readonly string[] = state.pool.names()): void {
  const now = state.ctx.now();
  for (const name of names) {
    if (!state.pool.row(name)) continue;
    try {
      state.refreshTokens.note(name, state.ctx.tokens.read(state.pool.ref(name)).refreshToken, now);
    } catch {
      // no usable login: nothing to note
    }
  }
}

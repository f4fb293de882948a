import { AuthError, type ChatgptAuth, errorMessage } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import type { LaunchScope } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { observeLogins } from "../engine/recent-tokens.ts";
import { readSmallJson } from "../upstream/request-body.ts";

const refreshRequest = z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string().min(1) }).loose();

/**
 * Codex's own token refresh (`CODEX_REFRESH_TOKEN_URL_OVERRIDE` points here). The proxy already
 * owns refreshing; letting Codex call auth.openai.com too would present a rotated refresh token
 * twice and could revoke the account's login. So Codex gets the current tokens, refreshed
 * through the single-flight TokenManager only when they are really about to expire — and only
 * for a refresh token the launch's profile holds, or held while the proxy watched lately (Codex
 * keeps the one it read at start; the proxy may have rotated it since).
 */
export async function oauthToken(state: ProxyState, c: HonoContext, scope: LaunchScope): Promise<Response> {
  const read = await readSmallJson(c.req.raw);
  if ("error" in read)
    return Response.json(
      { error: "invalid_request", error_description: read.error.message },
      { status: read.error.status },
    );
  const parsed = refreshRequest.safeParse(read.json);
  if (!parsed.success)
    return Response.json(
      { error: "unsupported_grant_type", error_description: "only refresh_token is supported" },
      { status: 400 },
    );
  const name = holder(state, scope, parsed.data.refresh_token);
  if (!name)
    return Response.json(
      { error: "invalid_grant", error_description: "refresh token unknown to this launch's profile" },
      { status: 401 },
    );
  let auth: ChatgptAuth;
  try {
    auth = await state.ctx.tokens.current(state.pool.ref(name));
  } catch (error) {
    const dead = error instanceof AuthError && error.needsLogin;
    state.log.line("warn", "child token refresh failed", { profile: name, error: errorMessage(error) });
    return Response.json(
      { error: dead ? "invalid_grant" : "temporarily_unavailable", error_description: errorMessage(error) },
      { status: dead ? 401 : 503 },
    );
  }
  const now = state.ctx.now();
  state.refreshTokens.note(name, auth.refreshToken, now);
  state.accessTokens.note(name, auth.accessToken, now);
  const expiresIn = auth.expiresAt ? Math.max(0, Math.round((auth.expiresAt - now) / 1000)) : 3600;
  return Response.json({
    id_token: auth.idToken,
    access_token: auth.accessToken,
    refresh_token: auth.refreshToken,
    token_type: "Bearer",
    expires_in: expiresIn,
  });
}

/** The profile the token belongs to: the launch's own (any profile when the launch has none), if it holds or lately held it. */
function holder(state: ProxyState, scope: LaunchScope, token: string): string | null {
  const names = scope.profile ? [scope.profile] : state.pool.names();
  observeLogins(state, names);
  const now = state.ctx.now();
  return names.find((name) => state.refreshTokens.held(name, token, now)) ?? null;
}

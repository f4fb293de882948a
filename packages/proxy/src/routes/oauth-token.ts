import { AuthError, type ChatgptAuth, errorMessage, readAuth } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import type { ProxyState } from "../engine/proxy-state.ts";

const refreshRequest = z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string().min(1) }).loose();

/**
 * Codex's own token refresh (`CODEX_REFRESH_TOKEN_URL_OVERRIDE` points here). The proxy already
 * owns refreshing; letting Codex call auth.openai.com too would present a rotated refresh token
 * twice and could revoke the account's login. So Codex gets the current tokens, refreshed
 * through the single-flight TokenManager only when they are really about to expire.
 */
export async function oauthToken(state: ProxyState, c: HonoContext, childProfile: string | null): Promise<Response> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return Response.json({ error: "invalid_request", error_description: "body must be JSON" }, { status: 400 });
  }
  const parsed = refreshRequest.safeParse(json);
  if (!parsed.success) return Response.json({ error: "unsupported_grant_type", error_description: "only refresh_token is supported" }, { status: 400 });
  const name = profileFor(state, parsed.data.refresh_token) ?? childProfile;
  if (!name || !state.pool.row(name)) return Response.json({ error: "invalid_grant", error_description: "unknown refresh token" }, { status: 401 });
  let auth: ChatgptAuth;
  try {
    auth = await state.ctx.tokens.current(state.pool.ref(name));
  } catch (error) {
    const dead = error instanceof AuthError && error.needsLogin;
    state.log.line("warn", "child token refresh failed", { profile: name, error: errorMessage(error) });
    return Response.json({ error: dead ? "invalid_grant" : "temporarily_unavailable", error_description: errorMessage(error) }, { status: dead ? 401 : 503 });
  }
  const expiresIn = auth.expiresAt ? Math.max(0, Math.round((auth.expiresAt - state.ctx.now()) / 1000)) : 3600;
  return Response.json({ id_token: auth.idToken, access_token: auth.accessToken, refresh_token: auth.refreshToken, token_type: "Bearer", expires_in: expiresIn });
}

function profileFor(state: ProxyState, refreshToken: string): string | null {
  for (const name of state.pool.names()) {
    const row = state.pool.row(name);
    if (!row) continue;
    const auth = readAuth(row.codexHome);
    if (auth.kind === "chatgpt" && auth.refreshToken === refreshToken) return name;
  }
  return null;
}

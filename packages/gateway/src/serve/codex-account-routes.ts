import { GATEWAY_ACCOUNT_ID, gatewayLoginTokens } from "@prodex/core";
import { type PoolRuntime, accountsCheckBody, pooledUsageBody } from "@prodex/proxy";
import { Hono } from "hono";
import { z } from "zod";
import type { GatewayEnv } from "./front-door.ts";
import type { KeyAuth } from "./key-auth.ts";

// Codex's own account calls through the gateway (docs/team.md, "On a laptop"). Codex runs in ChatGPT mode on a
// placeholder login whose access and refresh tokens are the gateway key (core's gateway-login.ts), so each of
// these calls carries the key and is checked like any other; none reaches ChatGPT, none names a pool account.

/** A refresh or revoke body is a few hundred bytes; anything larger is not Codex. */
const MAX_LOGIN_BODY = 16 * 1024;

const refreshBody = z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string().min(1) }).loose();
const revokeBody = z
  .object({ token: z.string().min(1).optional(), refresh_token: z.string().min(1).optional() })
  .loose();

/** How long Codex is told its placeholder lives: it refreshes it on its own schedule, through the gateway. */
const PLACEHOLDER_TTL_SECONDS = 10 * 24 * 3600;

function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}

async function smallJson(req: Request): Promise<unknown> {
  const length = Number(req.headers.get("content-length") ?? Number.NaN);
  if (!(length <= MAX_LOGIN_BODY)) return undefined;
  try {
    return JSON.parse(await req.text());
  } catch {
    return undefined;
  }
}

/**
 * `POST /oauth/token` and `/oauth/revoke` (Codex's `CODEX_REFRESH_TOKEN_URL_OVERRIDE` / `…REVOKE…` point here).
 * They carry no Authorization, so the key is the body's token. A refresh answers the same placeholder (Codex
 * rewrites its auth.json with it); a revoke (`codex logout`) changes nothing on the gateway.
 */
export function codexLoginRoutes(keys: KeyAuth): Hono {
  const app = new Hono();
  app.post("/oauth/token", async (c) => {
    const parsed = refreshBody.safeParse(await smallJson(c.req.raw));
    if (!parsed.success)
      return oauthError(400, "invalid_request", "prodex gateway: send a refresh_token grant (JSON, under 16 KiB)");
    const key = parsed.data.refresh_token;
    const check = await keys.check(key);
    if (!check.ok)
      return oauthError(
        check.status,
        check.status === 503 ? "temporarily_unavailable" : "invalid_grant",
        check.status === 503 ? check.message : `${check.message}: get a new key and run prodex gateway login URL`,
      );
    const tokens = gatewayLoginTokens(key);
    return c.json({
      id_token: tokens.idToken,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: "Bearer",
      expires_in: PLACEHOLDER_TTL_SECONDS,
    });
  });
  app.post("/oauth/revoke", async (c) => {
    const parsed = revokeBody.safeParse(await smallJson(c.req.raw));
    const key = parsed.success ? (parsed.data.token ?? parsed.data.refresh_token ?? null) : null;
    const check = await keys.check(key);
    if (!check.ok) return oauthError(check.status, "invalid_token", check.message);
    return c.json({});
  });
  return app;
}

/**
 * Codex's ChatGPT routes behind the key: `wham/usage` is the pool's view (never an account's: no email, the
 * placeholder's account id) and `wham/accounts/check` names the placeholder's workspace. Which other ChatGPT routes
 * go on at all is route-access.ts's `CLIENT_ROUTES`.
 */
export function codexAccountRoutes(pool: () => PoolRuntime, now: () => number = Date.now): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const accountOf = (header: string | undefined) => header ?? GATEWAY_ACCOUNT_ID;
  app.get("/backend-api/wham/usage", (c) => {
    const body = pooledUsageBody(pool(), accountOf(c.req.header("chatgpt-account-id")), now());
    return c.json({ ...body, email: null });
  });
  app.get("/backend-api/wham/accounts/check", (c) =>
    c.json(accountsCheckBody(accountOf(c.req.header("chatgpt-account-id")))),
  );
  return app;
}

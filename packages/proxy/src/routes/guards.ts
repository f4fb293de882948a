import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { LaunchScope, ProxyEnv } from "../engine/launch-scope.ts";
import { CALLER_HEADER, withCaller } from "../engine/request-ledger.ts";

// Who may talk to the proxy: only clients prodex launched (they carry a per-launch secret),
// only through loopback names (no DNS rebinding), and never a browser page (no Origin).
//
// A launch has two credentials. Its secret S is the real one; it travels only where other users
// cannot read it (the child's environment: a header for Codex, the API key for Claude Code, the
// refresh URL). Codex's process arguments carry only pathId(S), which names the launch for the
// ChatGPT routes Codex calls without the header and opens nothing else (docs/security.md).

/** The header Codex sends on its provider's routes (`env_http_headers`), with the launch secret. */
export const LAUNCH_KEY_HEADER = "x-prodex-key";
/** The environment variable a launched Codex reads that header's value from. */
export const LAUNCH_KEY_ENV = "PRODEX_LAUNCH_KEY";

/** Constant-time: fixed-length digests are compared, so neither the content nor the length of a guess shows in the timing. */
export function sameSecret(given: string | undefined | null, secret: string): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(given), digest(secret));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The one-way id of a launch secret that may appear in process arguments (`/s/<id>/…`): 192 bits of SHA-256, base64url. */
export function pathId(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url").slice(0, 32);
}

/** A launch as the guards know it. */
export type LaunchCredentials = { scope: LaunchScope; secret: string; pathId: string };

/** Which launch a presented credential belongs to, or null: the one launch in-process, or a broker's leases. */
export type Authenticate = {
  /** By the launch secret (`/k/<secret>`, Claude Code's key). */
  secret(given: string | undefined): LaunchScope | null;
  /** By the path id (`/s/<id>`): the launch, whose secret the header must then match. */
  pathId(given: string | undefined): LaunchCredentials | null;
};

export function launchCredentials(secret: string, scope: LaunchScope): LaunchCredentials {
  return { scope, secret, pathId: pathId(secret) };
}

/** In-process: one secret, one launch. */
export function secretAuth(secret: string, scope: LaunchScope): Authenticate {
  const launch = launchCredentials(secret, scope);
  return {
    secret: (given) => (sameSecret(given, secret) ? scope : null),
    pathId: (given) => (sameSecret(given, launch.pathId) ? launch : null),
  };
}

export function hostGuard(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? "";
    const p = port();
    const allowed = host === `127.0.0.1:${p}` || host === `localhost:${p}` || host === `[::1]:${p}`;
    if (!allowed)
      return c.json(
        {
          error: {
            type: "forbidden",
            message: "prodex proxy: unexpected Host header (only loopback names are served)",
          },
        },
        403,
      );
    if (c.req.header("origin") !== undefined || c.req.header("sec-fetch-site") !== undefined) {
      return c.json({ error: { type: "forbidden", message: "prodex proxy: browser requests are refused" } }, 403);
    }
    await next();
  };
}

/** Codex's routes (`/s/<path id>/…`): the path names the launch; whether the header proved it is noted for `keylessGuard`. */
export function pathIdGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const launch = auth.pathId(c.req.param("pathId"));
    if (!launch) return unauthorized();
    c.set("scope", withCaller(launch.scope, c.req.header(CALLER_HEADER)));
    c.set("keyed", sameSecret(c.req.header(LAUNCH_KEY_HEADER), launch.secret));
    await next();
  };
}

/**
 * Pure: whether a path under the ChatGPT base (after `backend-api/`) is one Codex calls without
 * the launch header (its `chatgpt_base_url` routes), so the path id alone may open it. Plain
 * segments only: anything encoded or odd needs the header, so no spelling can reach another route.
 */
export function keylessPath(rest: string): boolean {
  if (!/^(wham|ps|codex\/analytics-events)\//.test(rest)) return false;
  return rest.split("/").every((segment) => /^[A-Za-z0-9_~@:+-][A-Za-z0-9._~@:+-]*$/.test(segment));
}

/** The secret itself in the path (`/k/<secret>/…`): the refresh and dashboard URLs, which never appear in arguments. */
export function pathSecretGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const scope = auth.secret(c.req.param("secret"));
    if (!scope) return unauthorized();
    c.set("scope", scope);
    await next();
  };
}

/** Claude Code sends the per-launch token as `x-api-key` or `Authorization: Bearer`. */
export function keySecretGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    const scope = auth.secret(c.req.header("x-api-key") ?? bearer);
    if (!scope) return unauthorized();
    c.set("scope", withCaller(scope, c.req.header(CALLER_HEADER)));
    await next();
  };
}

/** A broker's operator endpoints (`/__admin/<secret>/…`): the admin secret from the 0600 file. */
export function adminGuard(secret: string): MiddlewareHandler {
  return async (c, next) => {
    if (!sameSecret(c.req.param("secret"), secret))
      return Response.json(
        { error: { type: "authentication_error", message: "prodex broker: missing or wrong admin secret" } },
        { status: 401 },
      );
    await next();
  };
}

export function unauthorized(): Response {
  return Response.json(
    { error: { type: "authentication_error", message: "prodex proxy: missing or wrong per-launch secret" } },
    { status: 401 },
  );
}

export function missingKey(): Response {
  return Response.json(
    {
      error: {
        type: "authentication_error",
        message: `prodex proxy: missing or wrong ${LAUNCH_KEY_HEADER} header (launch Codex through prodex, or send the launch secret from ${LAUNCH_KEY_ENV})`,
      },
    },
    { status: 401 },
  );
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { LaunchScope, ProxyEnv } from "../engine/launch-scope.ts";

// Who may talk to the proxy: only clients prodex launched (they carry a per-launch secret),
// only through loopback names (no DNS rebinding), and never a browser page (no Origin).

/** Constant-time: fixed-length digests are compared, so neither the content nor the length of a guess shows in the timing. */
export function sameSecret(given: string | undefined | null, secret: string): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(given), digest(secret));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The launch a presented secret belongs to, or null: the one launch secret, or a broker's leases. */
export type Authenticate = (given: string | undefined) => LaunchScope | null;

/** In-process: one secret, one launch. */
export function secretAuth(secret: string, scope: LaunchScope): Authenticate {
  return (given) => (sameSecret(given, secret) ? scope : null);
}

export function hostGuard(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? "";
    const p = port();
    const allowed = host === `127.0.0.1:${p}` || host === `localhost:${p}` || host === `[::1]:${p}`;
    if (!allowed) return c.json({ error: { type: "forbidden", message: "prodex proxy: unexpected Host header (only loopback names are served)" } }, 403);
    if (c.req.header("origin") !== undefined || c.req.header("sec-fetch-site") !== undefined) {
      return c.json({ error: { type: "forbidden", message: "prodex proxy: browser requests are refused" } }, 403);
    }
    await next();
  };
}

/** The secret rides in the path for Codex (`/s/<secret>/…`). */
export function pathSecretGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const scope = auth(c.req.param("secret"));
    if (!scope) return unauthorized();
    c.set("scope", scope);
    await next();
  };
}

/** Claude Code sends the per-launch token as `x-api-key` or `Authorization: Bearer`. */
export function keySecretGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    const scope = auth(c.req.header("x-api-key") ?? bearer);
    if (!scope) return unauthorized();
    c.set("scope", scope);
    await next();
  };
}

/** A broker's operator endpoints (`/__admin/<secret>/…`): the admin secret from the 0600 file. */
export function adminGuard(secret: string): MiddlewareHandler {
  return async (c, next) => {
    if (!sameSecret(c.req.param("secret"), secret)) return Response.json({ error: { type: "authentication_error", message: "prodex broker: missing or wrong admin secret" } }, { status: 401 });
    await next();
  };
}

export function unauthorized(): Response {
  return Response.json({ error: { type: "authentication_error", message: "prodex proxy: missing or wrong per-launch secret" } }, { status: 401 });
}

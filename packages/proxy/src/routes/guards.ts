import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

// Who may talk to the proxy: only clients prodex launched (they carry the per-launch secret),
// only through loopback names (no DNS rebinding), and never a browser page (no Origin).

export function sameSecret(given: string | undefined | null, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
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
export function pathSecretGuard(secret: string): MiddlewareHandler {
  return async (c, next) => {
    if (!sameSecret(c.req.param("secret"), secret)) return unauthorized();
    await next();
  };
}

/** Claude Code sends the per-launch token as `x-api-key` or `Authorization: Bearer`. */
export function keySecretGuard(secret: string): MiddlewareHandler {
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    if (!sameSecret(c.req.header("x-api-key") ?? bearer, secret)) return unauthorized();
    await next();
  };
}

function unauthorized(): Response {
  return Response.json({ error: { type: "authentication_error", message: "prodex proxy: missing or wrong per-launch secret" } }, { status: 401 });
}

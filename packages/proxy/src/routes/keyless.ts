import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { observeLogins } from "../engine/recent-tokens.ts";
import { asSentRequestHeaders, clientResponseHeaders } from "../upstream/headers.ts";
import { BodyError, readRequestBody } from "../upstream/request-body.ts";
import { keylessPath, missingKey } from "./guards.ts";

/**
 * Everything under `/s/<path id>/backend-api/` needs the launch header, except the ChatGPT
 * routes Codex calls without it (its `chatgpt_base_url` routes). On those the path id, which
 * other local users can read in Codex's arguments, is not enough to spend the pool: a request
 * is served on the pool's accounts only when it carries Codex's own login (an access token a
 * profile's auth.json held while the proxy watched, which only the user can read); any other
 * goes upstream exactly as sent, on whatever credentials the caller brought, none of the pool's.
 */
export function keylessGuard(state: ProxyState): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    if (c.get("keyed")) return next();
    // The path as routed (Bun has already resolved dot segments).
    const url = new URL(c.req.url);
    const rest = url.pathname.replace(/^\/s\/[^/]+\/backend-api\//, "");
    if (!keylessPath(rest)) return missingKey();
    if (poolLogin(state, c.req.header("authorization"))) return next();
    return asSent(state, c.req.raw, `/${rest}${url.search}`);
  };
}

/** Whether `authorization` carries an access token one of the pool's profiles holds or held. */
export function poolLogin(state: ProxyState, authorization: string | undefined): boolean {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return false;
  const now = state.ctx.now();
  if (state.accessTokens.holder(token, now)) return true;
  // Refreshed since the last look? auth.json reads are cached by mtime, so this is a stat per profile.
  observeLogins(state);
  return state.accessTokens.holder(token, now) !== null;
}

async function asSent(state: ProxyState, req: Request, path: string): Promise<Response> {
  let body: Uint8Array | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      body = (await readRequestBody(req)).bytes;
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      return Response.json(
        {
          error: {
            type: "invalid_request_error",
            message: `prodex proxy: ${error instanceof Error ? error.message : "cannot read the request body"}`,
          },
        },
        { status },
      );
    }
  }
  state.log.line("info", "keyless route passed as sent", { path: path.replace(/\?.*$/, ""), method: req.method });
  try {
    const res = await state.fetch(`${state.upstreamBase}${path}`, {
      method: req.method,
      headers: asSentRequestHeaders(req.headers),
      body,
      signal: req.signal,
      redirect: "manual",
    });
    return new Response(res.body, { status: res.status, headers: clientResponseHeaders(res.headers) });
  } catch (error) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    state.log.line("warn", "keyless route upstream failed", {
      path: path.replace(/\?.*$/, ""),
      error: error instanceof Error ? error.message : String(error),
    });
    return Response.json(
      { error: { type: "upstream_error", message: "prodex proxy: the ChatGPT upstream could not be reached" } },
      { status: 502 },
    );
  }
}

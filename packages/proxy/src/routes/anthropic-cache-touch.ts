import type { Context as HonoContext } from "hono";
import { z } from "zod";
import type { ProxyState } from "../engine/proxy-state.ts";
import { anthropicJson, invalidRequest } from "./anthropic-reply.ts";

const CacheTouch = z.looseObject({ request_id: z.string().min(1).max(512) });

/**
 * `POST /v1/messages/cache_touch` (Claude Code 2.1.332, beta `cache-keepalive-2026-09-03`):
 * Claude Code asks every 30 s that Anthropic keep the prompt cache of a finished request warm.
 * Behind prodex the cache is the ChatGPT backend's, keyed by the conversation's prompt cache key,
 * with nothing to renew and no request to name, so the touch is answered here, at once: never
 * sent upstream, never rotated, never an event. A 200 is what keeps Claude Code quiet (a 404
 * counts as a missing record, other errors as failures it logs and backs off from). 2.1.332 only
 * touches when ANTHROPIC_BASE_URL is api.anthropic.com, so behind prodex this is a safety net for
 * a client that widens that; docs/claude-code.md.
 */
export async function anthropicCacheTouch(state: ProxyState, c: HonoContext): Promise<Response> {
  let json: unknown;
  try {
    json = await c.req.raw.json();
  } catch {
    return invalidRequest('cache_touch: the body is not JSON; send {"request_id": "…"}.');
  }
  const parsed = CacheTouch.safeParse(json);
  if (!parsed.success) return invalidRequest("cache_touch: request_id (a string) is required.");
  state.log.line("debug", "claude cache_touch answered locally");
  return anthropicJson(200, { type: "cache_touch", request_id: parsed.data.request_id });
}

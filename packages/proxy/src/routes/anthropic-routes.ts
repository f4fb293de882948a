import { Hono } from "hono";
import { anthropicError } from "../anthropic/errors.ts";
import { DEFAULT_MODELS, type ModelConfig } from "../anthropic/model-map.ts";
import { getModel, listModels } from "../anthropic/models.ts";
import type { LaunchScope, ProxyEnv } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { anthropicCacheTouch } from "./anthropic-cache-touch.ts";
import { type ClaudeRouteOptions, anthropicCountTokens, anthropicMessages } from "./anthropic-messages.ts";
import { anthropicJson } from "./anthropic-reply.ts";
import { type Authenticate, keySecretGuard } from "./guards.ts";

export type ClaudeOptions = { models?: Partial<ModelConfig>; pingMs?: number };

export const DEFAULT_PING_MS = 15_000;

export function claudeRouteOptions(options: ClaudeOptions = {}): ClaudeRouteOptions {
  const models: ModelConfig = { ...DEFAULT_MODELS };
  for (const family of ["opus", "sonnet", "haiku", "default"] as const) {
    const m = options.models?.[family];
    if (m) models[family] = m;
  }
  return { models, pingMs: options.pingMs ?? DEFAULT_PING_MS };
}

/**
 * The Anthropic API surface Claude Code uses, at the proxy's root (`ANTHROPIC_BASE_URL`).
 * `/` answers Claude Code's unauthenticated preconnect (`HEAD /`, no key) and says nothing;
 * everything under `/v1` needs the per-launch token as `x-api-key` or `Authorization: Bearer`.
 */
export function anthropicRoutes(state: ProxyState, auth: Authenticate, options: ClaudeRouteOptions): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  // A broker serves several launches; each may bring its own model mapping.
  const forScope = (scope: LaunchScope): ClaudeRouteOptions =>
    scope.models ? { ...options, models: scope.models } : options;
  app.on(["GET", "HEAD"], "/", (c) => c.body(null, 200));
  app.use("/v1/*", keySecretGuard(auth));
  app.post("/v1/messages", (c) => anthropicMessages(state, c, forScope(c.get("scope")), c.get("scope")));
  app.post("/v1/messages/count_tokens", (c) => anthropicCountTokens(c));
  app.post("/v1/messages/cache_touch", (c) => anthropicCacheTouch(state, c));
  app.get("/v1/models", (c) => anthropicJson(200, listModels(forScope(c.get("scope")).models)));
  app.get("/v1/models/:id", (c) => {
    const id = c.req.param("id");
    const model = getModel(id, forScope(c.get("scope")).models);
    return model
      ? anthropicJson(200, model)
      : anthropicJson(
          404,
          anthropicError(
            "not_found_error",
            `model: ${id} is not served by prodex; GET /v1/models lists the names it answers to.`,
          ),
        );
  });
  return app;
}

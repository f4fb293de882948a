import { SUPPORTED } from "@prodex/core";
import { parseJson } from "@prodex/guards";
import { Hono, type MiddlewareHandler } from "hono";
import { extractAffinity } from "../affinity/affinity-keys.ts";
import { forward } from "../engine/forward.ts";
import type { ProxyEnv } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { openaiError } from "../openai/errors.ts";
import { type OpenAIModelList, modelList } from "../openai/models.ts";
import { CHATGPT_PARAMS, type UpstreamParams } from "../openai/upstream-params.ts";
import { DEFAULT_PING_MS } from "./anthropic-routes.ts";
import { type Authenticate, LAUNCH_KEY_HEADER } from "./guards.ts";
import { type OpenAIInferenceOptions, chatCompletions, openaiResponses } from "./openai-inference.ts";
import { openaiJson, upstreamFailure } from "./openai-reply.ts";
import { CALLER_HEADER, withCaller } from "../engine/request-ledger.ts";

export type OpenAIRouteOptions = {
  /** Optional request fields the upstream takes (default: the ChatGPT backend's, none of them). */
  accepts?: UpstreamParams;
  pingMs?: number;
  /** How long the pool's model list is reused (default 5 minutes). */
  modelsTtlMs?: number;
};

/** Where the local proxy serves these routes (`openai.baseUrl` of `prodex serve --json`). */
export const OPENAI_BASE_PATH = "/openai/v1";

/**
 * The catalog Codex reads; the backend filters it by client version, so the proxy names the oldest
 * supported Codex: every model it lists, every supported client can use.
 */
const CATALOG_PATH = `/codex/models?client_version=${SUPPORTED.codex.oldest}`;

/**
 * The OpenAI API surface for any OpenAI-compatible client: `POST /responses` (streamed or not),
 * `POST /chat/completions`, `GET /models`. A sub-app without authentication of its own: the
 * mounter puts its guard in front and sets the `scope` (the local proxy: `openaiKeyGuard`; a team
 * gateway: its own keys).
 */
export function openaiRoutes(state: ProxyState, options: OpenAIRouteOptions = {}): Hono<ProxyEnv> {
  const inference: OpenAIInferenceOptions = {
    accepts: options.accepts ?? CHATGPT_PARAMS,
    pingMs: options.pingMs ?? DEFAULT_PING_MS,
  };
  const models = modelCatalog(state, options.modelsTtlMs ?? 5 * 60_000);
  const app = new Hono<ProxyEnv>();
  app.post("/responses", (c) => openaiResponses(state, c, inference, c.get("scope")));
  app.post("/chat/completions", (c) => chatCompletions(state, c, inference, c.get("scope")));
  app.get("/models", async () => {
    const list = await models();
    return list instanceof Response ? list : openaiJson(200, list);
  });
  app.get("/models/:id", async (c) => {
    const list = await models();
    if (list instanceof Response) return list;
    const id = c.req.param("id");
    const model = list.data.find((m) => m.id === id);
    if (model) return openaiJson(200, model);
    return openaiJson(
      404,
      openaiError(
        "not_found_error",
        `The model ${id} is not served by this pool; GET /models lists the ones it is.`,
        "model_not_found",
        "model",
      ),
    );
  });
  app.all("*", (c) =>
    openaiJson(
      404,
      openaiError(
        "not_found_error",
        `prodex serves POST /responses, POST /chat/completions and GET /models here, not ${c.req.method} ${new URL(c.req.url).pathname}.`,
        "unknown_route",
      ),
    ),
  );
  return app;
}

/**
 * The pool's model list, read upstream through the rotation (any ready account) and reused for
 * `ttlMs`. When no account can be asked (the whole pool out of quota), the last list read is still
 * the pool's catalog and is answered; only a pool never read answers the failure.
 */
function modelCatalog(state: ProxyState, ttlMs: number): () => Promise<OpenAIModelList | Response> {
  let cached: { list: OpenAIModelList; at: number } | null = null;
  return async () => {
    const now = state.ctx.now();
    if (cached && now - cached.at < ttlMs) return cached.list;
    const read = await readCatalog(state);
    if (read instanceof Response) return cached?.list ?? read;
    const list = modelList(read, Math.floor(now / 1000));
    if (list.data.length) cached = { list, at: now };
    return list;
  };
}

async function readCatalog(state: ProxyState): Promise<unknown> {
  const headers = new Headers({ accept: "application/json", originator: "codex_cli_rs" });
  const keys = extractAffinity(headers, null);
  const signal = new AbortController().signal;
  const outcome = await forward(state, {
    method: "GET",
    path: CATALOG_PATH,
    headers,
    body: null,
    keys,
    stream: false,
    signal,
    client: "openai",
  });
  if (outcome.kind === "local")
    return upstreamFailure(state, outcome.answer.status, outcome.answer.body, outcome.answer.headers);
  const text = await outcome.response.text();
  if (outcome.response.status >= 400)
    return upstreamFailure(state, outcome.response.status, text, outcome.response.headers);
  // An unreadable catalog lists nothing rather than failing the client.
  return parseJson(text) ?? null;
}

/** The local proxy's key for these routes: the launch secret as `Authorization: Bearer` (what SDKs send), `x-api-key` or `x-prodex-key`. */
export function openaiKeyGuard(auth: Authenticate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    const scope =
      auth.secret(bearer) ?? auth.secret(c.req.header("x-api-key")) ?? auth.secret(c.req.header(LAUNCH_KEY_HEADER));
    if (!scope) {
      const message =
        "prodex proxy: missing or wrong API key; use the secret from `prodex serve --json` (openai.apiKey) as the API key.";
      return openaiJson(401, openaiError("authentication_error", message, "invalid_api_key"));
    }
    c.set("scope", withCaller(scope, c.req.header(CALLER_HEADER)));
    await next();
  };
}

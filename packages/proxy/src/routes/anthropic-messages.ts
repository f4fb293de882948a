import { windowsFromHeaders } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { extractAffinity, ownerOf } from "../affinity/affinity-keys.ts";
import { anthropicToResponses } from "../anthropic/anthropic-to-responses.ts";
import { estimateTokens } from "../anthropic/count-tokens.ts";
import type { ModelConfig } from "../anthropic/model-map.ts";
import { pinsAffinity, requestClassOf } from "../anthropic/request-class.ts";
import { AnthropicStreamTranslator } from "../anthropic/responses-to-anthropic.ts";
import { fromZodError } from "../anthropic/translate-error.ts";
import { AnthropicRequest } from "../anthropic/types.ts";
import { type Committed, forward } from "../engine/forward.ts";
import type { LaunchScope } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { OwnerTags, newestSignatureOwner } from "./anthropic-owner.ts";
import { pooledUnifiedHeaders } from "./anthropic-rate-limit.ts";
import { anthropicJson, errorBodyResponse, invalidRequest, upstreamFailure } from "./anthropic-reply.ts";
import { anthropicSseBody, collectAnthropic } from "./anthropic-stream.ts";
import { dropUnstreamed } from "./translated-stream.ts";
import { UPSTREAM_RESPONSES_PATH, readJsonBody, requestId, translatedUpstreamHeaders } from "./translated-request.ts";

export type ClaudeRouteOptions = {
  /** Claude family → upstream model. */
  models: ModelConfig;
  /** Upstream silence after which Claude gets a `ping` event. */
  pingMs: number;
};

async function readBody(req: Request): Promise<{ ok: true; json: unknown } | { ok: false; res: Response }> {
  const read = await readJsonBody(req);
  if (read.ok) return read;
  const { status, message, notJson } = read.refusal;
  return {
    ok: false,
    res: invalidRequest(
      notJson ? "The request body is not JSON: send an Anthropic Messages request (application/json)." : message,
      status,
    ),
  };
}

/**
 * `POST /v1/messages`: Claude Messages → Responses, through the same rotation engine as Codex
 * (owner first, safe rotation before commit, token refresh, backoffs, events), and back.
 */
export async function anthropicMessages(
  state: ProxyState,
  c: HonoContext,
  options: ClaudeRouteOptions,
  scope?: LaunchScope,
): Promise<Response> {
  const read = await readBody(c.req.raw);
  if (!read.ok) return read.res;
  const json = read.json;

  const tags = new OwnerTags((name) => state.pool.row(name)?.accountId);
  // Translated per account (see bodyFor); the first translation also validates the request.
  const bodies = new Map<string, string>();
  const translate = (tag: string) => anthropicToResponses(json, { models: options.models, owner: tag });
  const expectedTag = state.pool.current ? tags.of(state.pool.current) : "";
  const first = translate(expectedTag);
  if (!first.ok) return invalidRequest(first.error.message);
  bodies.set(expectedTag, JSON.stringify(first.body));
  // Validated by the translation above (the zod schema is AnthropicRequest): read it without parsing twice.
  const request = json as AnthropicRequest;

  // The conversation's owner: its continuation binding, else the account that signed its newest thinking.
  const signer = newestSignatureOwner(request.messages);
  const signerProfile = signer ? tags.profileOf(signer, state.pool.names()) : null;
  if (first.notes.length) state.log.line("info", "claude request adapted", { notes: first.notes.join("; ") });

  const headers = c.req.raw.headers;
  const keys = extractAffinity(headers, first.body);
  // Auxiliary work and side replies follow the conversation's owner but never bind it (request-class.ts).
  const pins = pinsAffinity(requestClassOf(headers));
  const bound = ownerOf(keys, (kind, key) => state.bindings.lookup(kind, key));
  if (!bound && signerProfile && pins) {
    state.bindings.bind("claude_session", keys.claudeSession, signerProfile);
    state.bindings.bind("prompt_cache_key", keys.promptCacheKey, signerProfile);
  }

  // Each account gets the history with only its own reasoning (others' would be refused upstream).
  const bodyFor = (name: string): string => {
    const tag = tags.of(name);
    let body = bodies.get(tag);
    if (body === undefined) {
      const t = translate(tag);
      body = JSON.stringify(t.ok ? t.body : first.body);
      bodies.set(tag, body);
      if (t.ok && t.notes.length)
        state.log.line("info", "claude request adapted for another account", {
          profile: name,
          notes: t.notes.join("; "),
        });
    }
    return body;
  };

  const outcome = await forward(state, {
    method: "POST",
    path: UPSTREAM_RESPONSES_PATH,
    headers: translatedUpstreamHeaders(keys.claudeSession ?? keys.promptCacheKey),
    body: null,
    keys,
    stream: true,
    signal: c.req.raw.signal,
    client: "claude",
    bodyFor,
    scope,
  });
  if (outcome.kind === "local") {
    const { status, body, headers: h } = outcome.answer;
    return failure(state, status, body, h);
  }
  if (outcome.response.status >= 400)
    return failure(state, outcome.response.status, await outcome.response.text(), outcome.response.headers);

  // Claude's continuation keys (no turn state or response ids: every request carries the whole history).
  if (pins) {
    state.bindings.bind("claude_session", keys.claudeSession, outcome.profile);
    state.bindings.bind("prompt_cache_key", keys.promptCacheKey, outcome.profile);
  }
  state.pool.observe(outcome.profile, windowsFromHeaders(outcome.response.headers, state.ctx.now()));
  // The pool's room, as Claude Code reads it (after this account's fresh windows are in).
  const room = pooledUnifiedHeaders(state.pool, state.ctx.now());
  const owner = tags.of(outcome.profile);
  const estimate = estimateTokens(request);
  if (!outcome.stream) return unexpected(state, outcome);

  if (!first.stream) {
    const result = await collectAnthropic(
      state,
      outcome,
      request.model,
      { owner, toolNames: first.toolNames, inputTokensEstimate: estimate },
      c.req.raw.signal,
    );
    return result.ok
      ? anthropicJson(200, result.message, { "request-id": requestId(), ...room })
      : errorBodyResponse(result.error);
  }
  const translator = new AnthropicStreamTranslator({
    model: request.model,
    owner,
    toolNames: first.toolNames,
    inputTokensEstimate: estimate,
  });
  return new Response(anthropicSseBody(state, outcome, translator, options.pingMs), {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "request-id": requestId(),
      ...room,
    },
  });
}

/** A failure for Claude; a 429 also carries the pool's room (when it resets, whether it is exhausted). */
function failure(state: ProxyState, status: number, body: string, headers: Headers): Response {
  const res = upstreamFailure(status, body, headers, state.pool.snapshot());
  if (status === 429)
    for (const [k, v] of Object.entries(pooledUnifiedHeaders(state.pool, state.ctx.now()))) res.headers.set(k, v);
  return res;
}

/** A 2xx that is not an event stream: nothing Claude can use. */
async function unexpected(state: ProxyState, outcome: Committed): Promise<Response> {
  const type = await dropUnstreamed(state, outcome, "claude");
  return anthropicJson(502, {
    type: "error",
    error: { type: "api_error", message: `The upstream answered with ${type} instead of an event stream.` },
  });
}

/** `POST /v1/messages/count_tokens`: a local ESTIMATE (≈4 characters per token; see count-tokens.ts), never sent upstream. */
export async function anthropicCountTokens(c: HonoContext): Promise<Response> {
  const read = await readBody(c.req.raw);
  if (!read.ok) return read.res;
  const parsed = AnthropicRequest.safeParse(read.json);
  if (!parsed.success) return invalidRequest(fromZodError(parsed.error).message);
  return anthropicJson(200, { input_tokens: estimateTokens(parsed.data) });
}

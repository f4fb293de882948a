import { BodyError, jsonBodyError, readRequestBody } from "../upstream/request-body.ts";

// What every translated route (Claude Messages, OpenAI Responses and Chat Completions) sends
// upstream, and how it reads the client's JSON body (bounded as every body is).

/** Where translated requests go under the ChatGPT base (the Codex Responses endpoint). */
export const UPSTREAM_RESPONSES_PATH = "/codex/responses";

/**
 * Headers for the upstream request. The client's own headers (SDK names, its user agent) mean
 * nothing to the ChatGPT backend and are not forwarded; forward() adds the account's credentials.
 * `originator` follows Codex CLI; the session id keeps upstream prompt caching on one conversation.
 */
export function translatedUpstreamHeaders(session: string | null): Headers {
  const h = new Headers({
    "content-type": "application/json",
    accept: "text/event-stream",
    originator: "codex_cli_rs",
  });
  if (session) h.set("session_id", session);
  return h;
}

/** The id a translated answer carries (`request-id` for Claude, `x-request-id` for the OpenAI SDKs). */
export function requestId(): string {
  return `req_prodex_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** A body that is not a JSON request: the status, and whether it was readable text that is not JSON. */
export type JsonBodyRefusal = { status: number; message: string; notJson: boolean };

export async function readJsonBody(
  req: Request,
): Promise<{ ok: true; json: unknown } | { ok: false; refusal: JsonBodyRefusal }> {
  try {
    const body = await readRequestBody(req);
    const invalid = jsonBodyError(body);
    if (!invalid) return { ok: true, json: body.json() };
    // Undecodable bytes, an unknown encoding or too deep a nesting say so; text that does not parse gets each API's hint.
    return { ok: false, refusal: invalid };
  } catch (error) {
    if (error instanceof BodyError) return { ok: false, refusal: error };
    return { ok: false, refusal: { status: 400, message: "Could not read the request body.", notJson: false } };
  }
}

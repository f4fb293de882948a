// Handshake headers between Codex, the proxy and the upstream websocket. Pure.
import { upstreamRequestHeaders } from "../upstream/headers.ts";
import { MAX_FRAME_BYTES } from "./ws-frames.ts";

/** `https://chatgpt.com/backend-api` + `/codex/responses` → `wss://chatgpt.com/backend-api/codex/responses`. */
export function upstreamWsUrl(upstreamBase: string, path: string): string {
  return `${upstreamBase.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s.toLowerCase()}://`)}${path}`;
}

/**
 * The client's handshake headers for the upstream: credentials replaced by the serving
 * account's, hop-by-hop and websocket-key headers dropped (the client library makes its own),
 * everything Codex adds (openai-beta, originator, version, session-id, x-codex-*) kept.
 */
export function upstreamHandshakeHeaders(
  client: Headers,
  creds: { accessToken: string; accountId: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  upstreamRequestHeaders(client, creds).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** What of the upstream's 101 Codex reads (client.rs: turn state, model, etag, reasoning flag). */
const PASS_BACK = ["x-codex-turn-state", "x-reasoning-included", "x-models-etag", "openai-model"];

/** Codex 0.171+ sends no frame larger than the server advertises here. */
export const MAX_MESSAGE_HEADER = "x-codex-websocket-max-message-bytes";

/**
 * The upstream's 101 headers Codex reads. The largest message is passed on, but never above what
 * the proxy itself relays (`relayLimit`): Codex must not send a frame the proxy would refuse.
 */
export function clientHandshakeHeaders(upstream: Headers | null, relayLimit = MAX_FRAME_BYTES): Headers {
  const out = new Headers();
  for (const name of PASS_BACK) {
    const v = upstream?.get(name);
    if (v) out.set(name, v);
  }
  const max = upstream?.get(MAX_MESSAGE_HEADER)?.trim();
  if (max && /^\d{1,15}$/.test(max) && Number(max) > 0)
    out.set(MAX_MESSAGE_HEADER, String(Math.min(Number(max), relayLimit)));
  return out;
}

/** Upstream close codes a server may send on to the client; the rest mean "it just broke". */
export function relayableClose(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

// Handshake headers between Codex, the proxy and the upstream websocket. Pure.
import { upstreamRequestHeaders } from "../upstream/headers.ts";

/** `https://chatgpt.com/backend-api` + `/codex/responses` → `wss://chatgpt.com/backend-api/codex/responses`. */
export function upstreamWsUrl(upstreamBase: string, path: string): string {
  return `${upstreamBase.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s.toLowerCase()}://`)}${path}`;
}

/**
 * The client's handshake headers for the upstream: credentials replaced by the serving
 * account's, hop-by-hop and websocket-key headers dropped (the client library makes its own),
 * everything Codex adds (openai-beta, originator, version, session-id, x-codex-*) kept.
 */
export function upstreamHandshakeHeaders(client: Headers, creds: { accessToken: string; accountId: string }): Record<string, string> {
  const out: Record<string, string> = {};
  upstreamRequestHeaders(client, creds).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** What of the upstream's 101 Codex reads (client.rs: turn state, model, etag, reasoning flag). */
const PASS_BACK = ["x-codex-turn-state", "x-reasoning-included", "x-models-etag", "openai-model"];

export function clientHandshakeHeaders(upstream: Headers | null): Headers {
  const out = new Headers();
  for (const name of PASS_BACK) {
    const v = upstream?.get(name);
    if (v) out.set(name, v);
  }
  return out;
}

/** Upstream close codes a server may send on to the client; the rest mean "it just broke". */
export function relayableClose(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

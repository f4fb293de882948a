import { CALLER_HEADER } from "@prodex/proxy";

/** The in-process proxy: where it listens, how it is opened (its launch secret and path id), and its handler. */
export type Backend = { url: string; secret: string; pathId: string; fetch(req: Request): Promise<Response> };

/** What a client sends to authenticate or locate itself, which never goes on to the proxy. */
const CLIENT_AUTH = [
  "authorization",
  "x-api-key",
  "x-prodex-gateway-key",
  "x-prodex-key",
  "host",
  "origin",
  "sec-fetch-site",
  "connection",
];

/**
 * Where a client's request goes on the proxy and with which headers (HTTP and the websocket upgrade alike):
 * Codex's routes under the launch's path id with the launch header, the rest at the root with the secret as their
 * API key. The gateway key never goes on; the ledger's caller is the key's name, never a client's say-so.
 */
export function backendRequest(req: Request, backend: Backend, caller: string): { url: string; headers: Headers } {
  const url = new URL(req.url);
  const codex = url.pathname.startsWith("/backend-api/");
  const path = codex ? `/s/${backend.pathId}${url.pathname}` : url.pathname;
  const headers = new Headers(req.headers);
  for (const h of CLIENT_AUTH) headers.delete(h);
  headers.set(CALLER_HEADER, caller);
  // Codex's routes take the launch header (the account's token replaces any Authorization upstream);
  // Claude Code's and OpenAI clients' take the secret as their API key.
  if (codex) headers.set("x-prodex-key", backend.secret);
  else {
    headers.set("x-api-key", backend.secret);
    headers.set("authorization", `Bearer ${backend.secret}`);
  }
  headers.set("host", new URL(backend.url).host);
  return { url: `${backend.url}${path}${url.search}`, headers };
}

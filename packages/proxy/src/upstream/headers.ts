// Header hygiene between client, proxy and upstream. Only credentials are replaced; hop-by-hop
// headers are dropped; everything else passes through untouched.
import { LAUNCH_KEY_HEADER } from "../routes/guards.ts";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  // Bun's fetch negotiates and decodes compression itself.
  "accept-encoding",
]);

// The client's credentials, including the launch secret Codex sends the proxy (never the upstream's business).
const CREDENTIALS = new Set(["authorization", "chatgpt-account-id", "x-api-key", "cookie", LAUNCH_KEY_HEADER]);

// Set by the client for the proxy only (prodex's own secret / websocket handshake).
const CLIENT_ONLY = new Set([
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "origin",
]);

export function upstreamRequestHeaders(
  client: Headers,
  creds: { accessToken: string; accountId: string },
  options: { dropContentEncoding?: boolean } = {},
): Headers {
  const out = forwardable(
    client,
    (key) => CREDENTIALS.has(key) || (options.dropContentEncoding === true && key === "content-encoding"),
  );
  out.set("authorization", `Bearer ${creds.accessToken}`);
  out.set("chatgpt-account-id", creds.accountId);
  return out;
}

// What a caller the pool does not know may send upstream of its own: its ChatGPT login, nothing of prodex's.
const AS_SENT_KEPT = new Set(["authorization", "chatgpt-account-id"]);

/** The client's request as it sent it, credentials included (no pool account's): hop-by-hop and prodex's own headers dropped. */
export function asSentRequestHeaders(client: Headers): Headers {
  return forwardable(client, (key) => CREDENTIALS.has(key) && !AS_SENT_KEPT.has(key));
}

function forwardable(client: Headers, drop: (key: string) => boolean): Headers {
  const out = new Headers();
  const listed = connectionListed(client);
  client.forEach((value, key) => {
    if (HOP_BY_HOP.has(key) || CLIENT_ONLY.has(key) || listed.has(key) || drop(key)) return;
    out.set(key, value);
  });
  return out;
}

/** Upstream response headers for the client: hop-by-hop and encoding (already decoded) removed. */
export function clientResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  const listed = connectionListed(upstream);
  upstream.forEach((value, key) => {
    if (HOP_BY_HOP.has(key) || listed.has(key) || key === "content-encoding" || key === "set-cookie") return;
    out.set(key, value);
  });
  return out;
}

/** Headers the sender named in `Connection` are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionListed(headers: Headers): ReadonlySet<string> {
  const value = headers.get("connection");
  if (!value) return NONE;
  return new Set(
    value
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

const NONE: ReadonlySet<string> = new Set();

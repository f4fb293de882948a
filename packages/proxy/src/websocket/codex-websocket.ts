import type { Server, WebSocketHandler } from "bun";
import type { Context as HonoContext, Next } from "hono";
import type { ProxyEnv } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { clientResponseHeaders } from "../upstream/headers.ts";
import { WsConn, type WsData } from "./ws-conn.ts";
import { MAX_FRAME_BYTES } from "./ws-frames.ts";
import { clientHandshakeHeaders } from "./ws-headers.ts";

export type { WsData } from "./ws-conn.ts";

export type CodexWebsocket = {
  /** `GET …/codex/responses` behind the secret and host guards: upgrades, or hands on to `next`. */
  route: (c: HonoContext<ProxyEnv>, next: Next) => Promise<Response | void>;
  handlers: WebSocketHandler<WsData>;
  /** The Bun server that performs upgrades (known once `Bun.serve` returned). */
  bind(server: Server<WsData>): void;
  /** Closes every client and upstream socket (proxy stop). */
  closeAll(): void;
  /** Open client sockets (metrics). */
  count(): number;
  /** Turns in flight on all sockets. */
  inFlight(): number;
};

/**
 * Codex's Responses websocket through the pool. The upgrade is accepted once the upstream
 * socket for the chosen account is open, so Codex gets that account's handshake headers
 * (turn state, model etag) as it would from ChatGPT.
 */
export function codexWebsocket(state: ProxyState): CodexWebsocket {
  let server: Server<WsData> | null = null;
  const live = new Set<WsConn>();
  return {
    async route(c, next) {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return next();
      if (!server)
        return c.json({ error: { type: "server_error", message: "prodex proxy: websocket not ready" } }, 503);
      const conn = new WsConn(state, new Headers(c.req.raw.headers), c.get("scope"));
      const first = await conn.connect();
      if (first.kind === "served" && first.value.kind === "refused") {
        // The upstream does not take websockets (e.g. 426): Codex falls back to HTTPS on this answer.
        const refused = first.value;
        conn.end(1000, "upgrade refused upstream");
        return new Response(refused.body, { status: refused.status, headers: clientResponseHeaders(refused.headers) });
      }
      // Any other failure is retried per request, where Codex can be told about it in a frame.
      const headers = clientHandshakeHeaders(conn.upstream?.socket.handshake ?? null);
      if (!server.upgrade(c.req.raw, { data: { conn }, headers })) {
        conn.end(1002, "upgrade failed");
        return c.json(
          {
            error: {
              type: "invalid_request_error",
              message: "prodex proxy: websocket upgrade failed (send a websocket handshake)",
            },
          },
          400,
        );
      }
      live.add(conn);
      conn.onEnd = () => live.delete(conn);
      return new Response(null);
    },
    handlers: {
      // Above MAX_FRAME_BYTES the relay answers an error frame; Bun only cuts what is far beyond.
      maxPayloadLength: MAX_FRAME_BYTES * 2,
      // The relay waits for `drain` whenever a send reports back-pressure, so this only has to
      // hold one large frame (a response.completed carries the whole output).
      backpressureLimit: MAX_FRAME_BYTES,
      // Like HTTP streams, a quiet socket is a model thinking: never cut for idleness.
      idleTimeout: 0,
      open: (ws) => ws.data.conn.attach(ws),
      message: (ws, message) => ws.data.conn.receive(message),
      drain: (ws) => ws.data.conn.drain(),
      close: (ws, code, reason) => ws.data.conn.end(code, reason),
    },
    bind(s) {
      server = s;
    },
    closeAll() {
      for (const conn of [...live]) conn.close(1001, "prodex proxy stopping");
    },
    count: () => live.size,
    inFlight: () => {
      let n = 0;
      for (const conn of live) n += conn.inFlight;
      return n;
    },
  };
}

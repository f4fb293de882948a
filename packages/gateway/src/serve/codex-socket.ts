import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import {
  ClientPace,
  MAX_FRAME_BYTES,
  badFrameError,
  UpstreamSocket,
  clientHandshakeHeaders,
  clientResponseHeaders,
  errorFrame,
  extractAffinity,
  httpErrorFrame,
  parseClientFrame,
  relayableClose,
} from "@prodex/proxy";
import { type Backend, backendRequest } from "./backend-request.ts";
import type { Continuations } from "./front-door.ts";
import { codexLimitError, limitAnswer } from "./limit-answer.ts";
import type { LimitVerdict } from "./limit-check.ts";

/** What a relayed socket needs besides the proxy: the key's limits and the continuation lookup. */
export type SocketDeps = {
  backend: () => Backend;
  /** May this key send one more request now (key-limiter.ts `admit`)? */
  limits: (key: string) => Promise<LimitVerdict>;
  /** A continuation this instance does not know, looked up before the frame goes on (a Response: refuse it). */
  continuations: Continuations;
  now?: () => number;
};

type RelayData = { link: SocketLink };

/** The path Codex's websocket is on (its frames are Codex's requests, answered in Codex's shape). */
const CODEX_PATH = "/backend-api/codex/responses";

/** The proxy bounds its own account handshakes (rotation budget); this only guards against a hung proxy. */
const BACKEND_CONNECT_MS = 120_000;
/** Client frames waiting on the key's limits or a continuation lookup before a client is cut off (as the proxy). */
const MAX_PENDING = 32;
/** How long the pump waits for a frame before looking again (a quiet socket is a model thinking). */
const QUIET_POLL_MS = 60_000;

/**
 * Codex's Responses websocket through the gateway: the key is checked on the upgrade (front door), the key's
 * limits on the upgrade and on every `response.create`, and the socket is relayed to the in-process proxy's own
 * websocket route on loopback, so rotation, affinity, replays and the ledger are the proxy's, unchanged. The
 * proxy's 101 headers (turn state, model, max message size) go back to Codex; close codes pass both ways.
 */
export class CodexSocketRelay {
  private server: Server<RelayData> | null = null;
  private readonly live = new Set<SocketLink>();

  constructor(private readonly deps: SocketDeps) {}

  /** The Bun server that performs upgrades (known once `Bun.serve` returned). */
  bind(server: Server<RelayData>): void {
    this.server = server;
  }

  readonly handlers: WebSocketHandler<RelayData> = {
    // As the proxy: frames up to its limit are relayed (it answers an oversized one with an error frame).
    maxPayloadLength: MAX_FRAME_BYTES * 2,
    backpressureLimit: MAX_FRAME_BYTES,
    idleTimeout: 0,
    open: (ws) => ws.data.link.attach(ws),
    message: (ws, message) => ws.data.link.receive(typeof message === "string" ? message : new Uint8Array(message)),
    drain: (ws) => ws.data.link.drain(),
    close: (ws, code, reason) => ws.data.link.clientClosed(code, reason),
  };

  /** `GET /backend-api/codex/responses` with `upgrade: websocket`, from key `caller`. */
  async upgrade(req: Request, caller: string): Promise<Response> {
    const server = this.server;
    if (!server) return socketError(503, "service_unavailable", "prodex gateway: websocket not ready; retry");
    const now = this.deps.now ?? Date.now;
    const verdict = await this.deps.limits(caller);
    if (!verdict.ok) return limitAnswer("codex", caller, verdict, now());
    const early = await this.deps.continuations(new URL(req.url).pathname, extractAffinity(req.headers, null));
    if (early) return early;
    const to = backendRequest(req, this.deps.backend(), caller);
    for (const h of ["upgrade", "connection", "content-length"]) to.headers.delete(h);
    for (const h of [...to.headers.keys()]) if (h.startsWith("sec-websocket-")) to.headers.delete(h);
    const headers: Record<string, string> = {};
    to.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const url = to.url.replace(/^http/, "ws");
    const connected = await UpstreamSocket.connect(url, headers, { timeoutMs: BACKEND_CONNECT_MS, signal: req.signal });
    if (!connected.ok) {
      // The proxy refused (an upstream that takes no websockets, the pool out): Codex reads this answer and, for
      // a refusal, falls back to HTTPS.
      if (connected.status) {
        const headers = clientResponseHeaders(connected.headers ?? new Headers());
        return new Response(connected.body, { status: connected.status, headers });
      }
      return socketError(
        502,
        "server_error",
        `prodex gateway: the instance's proxy did not answer (${connected.error})`,
      );
    }
    const link = new SocketLink(connected.socket, new Headers(req.headers), caller, this.deps, () =>
      this.live.delete(link),
    );
    const back = clientHandshakeHeaders(connected.socket.handshake);
    if (!server.upgrade(req, { data: { link }, headers: back })) {
      connected.socket.close(1002);
      return socketError(400, "invalid_request_error", "prodex gateway: websocket upgrade failed (send a handshake)");
    }
    this.live.add(link);
    // Bun answered the upgrade already; this response is not sent.
    return new Response(null);
  }

  /** Characters read off the proxy's sockets not yet sent on to Codex (bounded: a slow Codex pauses the reads). */
  buffered(): number {
    let n = 0;
    for (const link of this.live) n += link.buffered;
    return n;
  }

  /** Instance shutdown: every client is told the server is going away (Codex reconnects elsewhere). */
  closeAll(): void {
    for (const link of [...this.live]) link.close(1001, "prodex gateway stopping");
  }
}

function socketError(status: number, type: string, message: string): Response {
  return Response.json({ error: { type, message } }, { status });
}

/** One relayed socket: Codex's side, the proxy's side, frames in order, reads paused while Codex is slow. */
class SocketLink {
  private client: ServerWebSocket<RelayData> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly gone = new AbortController();
  private readonly pace = new ClientPace(this.gone.signal);

  constructor(
    private readonly up: UpstreamSocket,
    /** Codex's upgrade headers (session, turn state): with a frame's body, what names its conversation. */
    private readonly upgradeHeaders: Headers,
    private readonly caller: string,
    private readonly deps: SocketDeps,
    private readonly onEnd: () => void,
  ) {}

  get buffered(): number {
    return this.up.buffered;
  }

  attach(ws: ServerWebSocket<RelayData>): void {
    this.client = ws;
    void this.pump();
  }

  /** Client frames go on in order; a `response.create` first passes the key's limits and continuation lookup. */
  receive(message: string | Uint8Array): void {
    if (++this.pending > MAX_PENDING) {
      this.close(1008, "too many frames in flight");
      return;
    }
    this.queue = this.queue
      .then(() => this.forward(message))
      .catch(() => this.close(1011, "prodex gateway relay error"))
      .finally(() => {
        this.pending--;
      });
  }

  drain(): void {
    this.pace.drain();
  }

  /** Codex left (or was closed): the proxy's socket goes too, which frees its upstream and state. */
  clientClosed(code: number, _reason: string): void {
    if (this.gone.signal.aborted) return;
    this.gone.abort();
    this.drain();
    if (relayableClose(code)) this.up.close(code === 1001 ? 1000 : code);
    else this.up.terminate();
    this.onEnd();
  }

  close(code: number, reason: string): void {
    const ws = this.client;
    if (ws && !this.gone.signal.aborted) {
      if (relayableClose(code)) ws.close(code, reason.slice(0, 120));
      else ws.terminate();
    }
    this.clientClosed(code, reason);
  }

  private async forward(message: string | Uint8Array): Promise<void> {
    if (this.gone.signal.aborted) return;
    const frame = parseClientFrame(message);
    if (frame.kind === "bad") {
      await this.sendClient(badFrameError(frame, "prodex gateway"));
      return;
    }
    if (frame.kind === "create") {
      const now = this.deps.now ?? Date.now;
      // A prewarm (`generate: false`) asks the model for nothing: only requests count against the key.
      const verdict = frame.generate ? await this.deps.limits(this.caller) : ({ ok: true } as const);
      if (!verdict.ok) {
        const error = codexLimitError(this.caller, verdict, now());
        await this.sendClient(errorFrame(429, error, { "retry-after": String(error.resets_in_seconds) }));
        return;
      }
      const early = await this.deps.continuations(CODEX_PATH, extractAffinity(this.upgradeHeaders, frame.body));
      if (early) {
        await this.sendClient(httpErrorFrame(early.status, early.headers, await early.text()));
        return;
      }
    }
    if (!this.up.send(frame.text)) this.close(1011, "prodex gateway: the instance's proxy closed the socket");
  }

  /** Proxy frames to Codex as they come; a close is passed on with its code. */
  private async pump(): Promise<void> {
    for (;;) {
      const m = await this.up.next(QUIET_POLL_MS, this.gone.signal);
      if (m === "aborted" || this.gone.signal.aborted) return;
      if (m === "timeout") continue;
      if (m.kind === "closed") {
        this.close(m.code === 1005 ? 1000 : m.code, m.reason);
        return;
      }
      if (!(await this.sendClient(m.text))) return;
    }
  }

  /** One frame to Codex; while Codex is slow the proxy's socket is not read (it feels the back-pressure). */
  private async sendClient(text: string): Promise<boolean> {
    const ws = this.client;
    if (!ws) return false;
    const sent = await this.pace.send(ws, text, this.up);
    if (sent === "dropped") this.close(1011, "client too slow");
    return sent === "sent";
  }
}

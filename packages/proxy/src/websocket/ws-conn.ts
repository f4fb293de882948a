import type { ServerWebSocket } from "bun";
import { extractAffinity, ownerOf } from "../affinity/affinity-keys.ts";
import type { LaunchScope } from "../engine/launch-scope.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { ClientPace } from "./client-pace.ts";
import type { UpstreamSocket } from "./upstream-socket.ts";
import { ResponseChain } from "./ws-chain.ts";
import { badFrameError, errorFrame, parseClientFrame } from "./ws-frames.ts";
import { proxyPorts } from "../rotation/proxy-ports.ts";
import type { RotateOutcome } from "../rotation/ports.ts";
import { rotate } from "../rotation/rotate.ts";
import { type LastFailure, type Refused, connectAttempt } from "./ws-attempt.ts";
import { relayCreate, wsRequest } from "./ws-relay.ts";

export type WsData = { conn: WsConn };

/** Frames a client may queue behind a response in flight before it is cut off. */
const MAX_PENDING = 32;
let ids = 0;

/**
 * One Codex websocket: the client side, at most one upstream socket (to the account serving
 * it), the response chain for replays, and a queue so `response.create` frames are answered
 * one after another, as the real server does per connection.
 */
export class WsConn {
  readonly id = ++ids;
  readonly chain = new ResponseChain();
  /** Aborted when the client leaves (or the proxy stops): everything in flight winds down. */
  readonly gone = new AbortController();
  private readonly pace = new ClientPace(this.gone.signal);
  upstream: { socket: UpstreamSocket; profile: string; token: string } | null = null;
  private client: ServerWebSocket<WsData> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private slow = 0;
  private readonly openedAt: number;
  requests = 0;
  onEnd: (() => void) | null = null;

  constructor(
    readonly state: ProxyState,
    /** The client's handshake headers (session-id, x-codex-*, openai-beta …). */
    readonly headers: Headers,
    /** The launch the socket belongs to (per-lease options on a broker). */
    readonly scope?: LaunchScope,
  ) {
    this.openedAt = state.ctx.now();
  }

  /** Before the client's upgrade is accepted: open the upstream for the account it would use. */
  connect(): Promise<RotateOutcome<Refused | { kind: "connected" }, LastFailure>> {
    const keys = extractAffinity(this.headers, null);
    const owner = ownerOf(keys, (kind, key) => this.state.bindings.lookup(kind, key));
    const ports = proxyPorts(
      this.state,
      connectAttempt(this),
      { client: "ws", transport: "ws", what: "connect" },
      { maxWaits: 0 },
    );
    return rotate(ports, wsRequest(this, owner, false));
  }

  attach(ws: ServerWebSocket<WsData>): void {
    this.client = ws;
    this.state.log.line("info", "ws open", { conn: this.id, profile: this.upstream?.profile ?? "-" });
  }

  /** Client frames received and not yet answered (the turns in flight). */
  get inFlight(): number {
    return this.pending;
  }

  receive(message: string | Uint8Array): void {
    if (this.gone.signal.aborted) return;
    const frame = parseClientFrame(message);
    if (frame.kind === "other") {
      // Acks and the like belong to the response in flight: straight to its socket.
      this.upstream?.socket.send(frame.text);
      return;
    }
    if (++this.pending > MAX_PENDING) {
      this.state.log.line("warn", "ws client floods frames; closing", { conn: this.id });
      this.close(1008, "too many frames in flight");
      return;
    }
    this.queue = this.queue
      .then(async () => {
        if (this.gone.signal.aborted) return;
        if (frame.kind === "bad") {
          this.state.log.line("warn", "ws bad frame", { conn: this.id, error: frame.message });
          await this.send(badFrameError(frame, "prodex proxy"));
          return;
        }
        this.requests++;
        await relayCreate(this, frame);
      })
      .catch(async (error: unknown) => {
        // A bug here must cost one request, never the proxy.
        const message = error instanceof Error ? error.message : String(error);
        this.state.log.line("error", "ws relay failed", { conn: this.id, error: message });
        await this.send(
          errorFrame(500, { type: "server_error", message: "prodex proxy: internal error while relaying the request" }),
        ).catch(() => false);
      })
      .finally(() => {
        this.pending--;
      });
  }

  /**
   * One frame to the client. Waits while the client is slow (send reported back-pressure),
   * holding the upstream read meanwhile. False when the client is gone.
   */
  async send(text: string): Promise<boolean> {
    const ws = this.client;
    if (!ws) return false;
    const sent = await this.pace.send(ws, text, this.upstream?.socket, () => {
      if (this.slow++ === 0)
        this.state.log.line("info", "ws client back-pressure: upstream reads paused until it drains", {
          conn: this.id,
        });
    });
    // Dropped: the client's buffer is past the limit or the socket is closing.
    if (sent === "dropped") this.close(1011, "client too slow");
    return sent === "sent";
  }

  drain(): void {
    this.pace.drain();
  }

  useUpstream(socket: UpstreamSocket, profile: string, token: string): void {
    this.dropUpstream();
    this.upstream = { socket, profile, token };
    // Between requests an upstream close just ends that socket: the next request opens
    // another and replays from the chain. During a request the relay sees the close itself.
    socket.onClose(() => {
      if (this.upstream?.socket === socket) this.upstream = null;
    });
  }

  dropUpstream(): void {
    const up = this.upstream;
    this.upstream = null;
    up?.socket.close(1000);
  }

  /** Closes the client with `code` (an abnormal upstream end is passed on as one). */
  close(code: number, reason = ""): void {
    const ws = this.client;
    if (ws && !this.gone.signal.aborted) {
      if (code === 1006) ws.terminate();
      else ws.close(code, reason.slice(0, 120));
    }
    this.end(code, reason);
  }

  /** The client went away (or was closed): free the upstream socket and everything kept. */
  end(code: number, reason: string): void {
    if (this.gone.signal.aborted) return;
    this.gone.abort();
    this.drain();
    const up = this.upstream;
    this.upstream = null;
    up?.socket.terminate();
    this.chain.clear();
    this.state.log.line("info", "ws closed", {
      conn: this.id,
      code,
      reason: reason || undefined,
      requests: this.requests,
      ms: this.state.ctx.now() - this.openedAt,
      drains: this.slow || undefined,
    });
    this.onEnd?.();
  }
}

import WebSocket from "ws";

/** What the relay pulls off an upstream socket, in order. */
export type UpstreamMessage = { kind: "frame"; text: string } | { kind: "closed"; code: number; reason: string };

export type ConnectResult =
  | { ok: true; socket: UpstreamSocket }
  /** The handshake failed: `status` set when the upstream answered HTTP (refused), else a network error. */
  | { ok: false; status: number | null; headers: Headers | null; body: string; error: string };

const MAX_ERROR_BODY = 64 * 1024;
let ids = 0;

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
  return out;
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return data instanceof ArrayBuffer ? Buffer.from(data).toString("utf8") : data.toString("utf8");
}

/**
 * One websocket to the upstream for one account. Frames queue until the relay pulls them
 * (`next`); `pause`/`resume` stop reading from the network while the client is slow, so the
 * queue stays short and the upstream feels the back-pressure.
 */
export class UpstreamSocket {
  readonly id = ++ids;
  private queue: UpstreamMessage[] = [];
  /** Characters of the frames queued and not yet pulled: what a slow client leaves held here. */
  private queuedChars = 0;
  private wake: (() => void) | null = null;
  private end: Extract<UpstreamMessage, { kind: "closed" }> | null = null;
  private onEnd: ((code: number, reason: string) => void) | null = null;

  private constructor(
    private readonly ws: WebSocket,
    /** The upstream's 101 headers (turn state, usage windows). */
    readonly handshake: Headers,
  ) {
    ws.on("message", (data) => this.push({ kind: "frame", text: toText(data) }));
    ws.on("close", (code, reason) => {
      const closed = { kind: "closed" as const, code, reason: reason.toString("utf8") };
      this.end = closed;
      this.push(closed);
      this.onEnd?.(code, closed.reason);
    });
    ws.on("error", () => {
      // `close` follows and carries what the relay needs.
    });
  }

  static connect(
    url: string,
    headers: Record<string, string>,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<ConnectResult> {
    return new Promise((resolve) => {
      let settled = false;
      let handshake = new Headers();
      const ws = new WebSocket(url, { headers });
      const settle = (result: ConnectResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener("abort", onAbort);
        if (!result.ok) ws.terminate();
        resolve(result);
      };
      const fail = (error: string) => settle({ ok: false, status: null, headers: null, body: "", error });
      const onAbort = () => fail("client went away");
      const timer = setTimeout(
        () => fail(`websocket handshake timed out after ${options.timeoutMs} ms`),
        options.timeoutMs,
      );
      options.signal.addEventListener("abort", onAbort, { once: true });
      ws.on("upgrade", (res) => {
        handshake = toHeaders(res.headers);
      });
      ws.on("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          settle({
            ok: false,
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            body: Buffer.concat(chunks).toString("utf8"),
            error: `HTTP ${res.statusCode}`,
          });
        res.on("data", (c: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(c);
          size += c.byteLength;
        });
        res.on("end", done);
        res.on("error", done);
      });
      ws.on("open", () => settle({ ok: true, socket: new UpstreamSocket(ws, handshake) }));
      ws.on("error", (error) => {
        // A refused upgrade is reported by `unexpected-response` (with its body); give it a moment.
        const status = /(?:server response|status code):? (\d{3})\b/i.exec(error.message)?.[1];
        if (status)
          setTimeout(
            () => settle({ ok: false, status: Number(status), headers: null, body: "", error: error.message }),
            50,
          );
        else fail(error.message.slice(0, 200));
      });
      ws.on("close", (code) => fail(`websocket closed during the handshake (${code})`));
      if (options.signal.aborted) onAbort();
    });
  }

  get open(): boolean {
    return this.end === null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Called once when the upstream closes (not when `close`/`terminate` is ours). */
  onClose(listener: ((code: number, reason: string) => void) | null): void {
    this.onEnd = listener;
  }

  send(text: string): boolean {
    if (!this.open) return false;
    this.ws.send(text);
    return true;
  }

  /** The next frame, the close, or "timeout"; an ended socket keeps answering its close. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<UpstreamMessage | "timeout" | "aborted"> {
    for (;;) {
      const head = this.queue.shift();
      if (head?.kind === "frame") this.queuedChars -= head.text.length;
      if (head) return head;
      if (this.end) return this.end;
      if (signal?.aborted) return "aborted";
      if (timeoutMs <= 0) return "timeout";
      const woke = await new Promise<"woke" | "timeout" | "aborted">((resolve) => {
        const timer = setTimeout(() => done("timeout"), timeoutMs);
        const onAbort = () => done("aborted");
        const done = (why: "woke" | "timeout" | "aborted") => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.wake = null;
          resolve(why);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.wake = () => done("woke");
      });
      if (woke !== "woke") return woke;
    }
  }

  /** Characters of frames read off the network and not yet pulled (bounded while `pause` works). */
  get buffered(): number {
    return this.queuedChars;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  /** Ours: the relay is done with this socket; its close is not news for anyone. */
  close(code = 1000, reason = ""): void {
    this.onEnd = null;
    if (this.end) return;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A peer that never answers the close frame must not keep the socket alive.
    setTimeout(() => this.ws.terminate(), 2_000).unref?.();
  }

  terminate(): void {
    this.onEnd = null;
    this.ws.terminate();
  }

  private push(message: UpstreamMessage): void {
    if (message.kind === "frame") this.queuedChars += message.text.length;
    if (message.kind === "frame" || this.queue.at(-1)?.kind !== "closed") this.queue.push(message);
    this.wake?.();
  }
}

// A Codex-like websocket connection: `response.create` frames out, the answer's frames back,
// one turn at a time. Timed like the SSE client: first frame, and response.completed.
import type { Sample } from "./sse-client.ts";

type Pending = { t0: number; ttfb: number; resolve: (s: Sample) => void; reject: (e: Error) => void };

export class WsConn {
  private pending: Pending | null = null;
  private closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) =>
      this.frame(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer));
    ws.onclose = (e) => {
      this.closed = true;
      this.fail(new Error(`socket closed mid-turn (code ${e.code})`));
    };
  }

  /** Opens a socket, or explains why the server would not upgrade. */
  static async open(
    url: string,
    headers: Record<string, string>,
    timeoutMs = 5_000,
  ): Promise<{ ok: true; conn: WsConn } | { ok: false; why: string }> {
    const opened = await openSocket(url, headers, timeoutMs);
    return opened.ok ? { ok: true, conn: new WsConn(opened.ws) } : opened;
  }

  turn(frame: string): Promise<Sample> {
    if (this.closed) return Promise.reject(new Error("socket is closed"));
    if (this.pending) return Promise.reject(new Error("a turn is already running on this socket"));
    return new Promise((resolve, reject) => {
      this.pending = { t0: performance.now(), ttfb: -1, resolve, reject };
      this.ws.send(frame);
    });
  }

  close(): void {
    this.closed = true;
    this.ws.close();
  }

  private frame(data: string): void {
    const p = this.pending;
    if (!p) return;
    const now = performance.now();
    if (p.ttfb < 0) p.ttfb = now - p.t0;
    const head = data.slice(0, 48);
    if (head.includes('"response.completed"')) {
      this.pending = null;
      p.resolve({ ttfb: p.ttfb, total: now - p.t0 });
    } else if (head.includes('"response.failed"') || head.includes('"type":"error"')) {
      this.fail(new Error(`error frame: ${data.slice(0, 160)}`));
    }
  }

  private fail(error: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(error);
  }
}

export type Opened = { ok: true; ws: WebSocket } | { ok: false; why: string };

/** A websocket with `headers` (Bun's client), or why the server would not upgrade. */
export function openSocket(url: string, headers: Record<string, string>, timeoutMs: number): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.close();
      resolve({ ok: false, why: `no upgrade within ${timeoutMs} ms` });
    }, timeoutMs);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve({ ok: true, ws });
    };
    ws.onerror = () => {
      clearTimeout(timer);
      resolve({ ok: false, why: "the upgrade was refused" });
    };
  });
}

// A Codex-like websocket client for tests of the proxy and of the team gateway.

export type Frame = Record<string, unknown>;

/** Handshake headers shaped like Codex 0.169's (captures/codex-run4-ws.jsonl), with Codex-side credentials. */
export function codexWsHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: "Bearer codex-side-token",
    "chatgpt-account-id": "acct-client",
    "openai-beta": "responses_websockets=2026-02-06",
    originator: "codex_exec",
    version: "0.169.0",
    "session-id": crypto.randomUUID(),
    "x-codex-beta-features": "remote_compaction_v2",
    ...extra,
  };
}

/** A Codex-like websocket client: frames in order, whether and how the socket closed. */
export class WsClient {
  frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(JSON.parse(String(e.data)) as Frame);
      this.wake();
    };
    ws.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    };
  }

  static open(url: string, headers: Record<string, string>): Promise<WsClient> {
    const ws = new WebSocket(url, { headers });
    const client = new WsClient(ws);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(client);
      ws.onerror = (e) => reject(new Error(`websocket failed to open: ${(e as ErrorEvent).message ?? "error"}`));
    });
  }

  create(body: Frame): void {
    this.ws.send(JSON.stringify({ type: "response.create", ...body }));
  }

  /** Frames up to and including the next terminal one (completed, failed, incomplete or error). */
  async turn(timeoutMs = 5_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.frames.findIndex((f) =>
        ["response.completed", "response.failed", "response.incomplete", "error"].includes(String(f.type)),
      );
      if (end >= 0) return this.frames.splice(0, end + 1);
      if (this.closed || Date.now() > deadline) return this.frames.splice(0);
      await this.wait(50);
    }
  }

  async waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string } | null> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.wait(50);
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      setTimeout(resolve, ms);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export function responseOf(frames: Frame[]): Frame {
  const r = frames.at(-1)?.response;
  return typeof r === "object" && r !== null && !Array.isArray(r) ? (r as Frame) : {};
}

export function deltas(frames: Frame[]): string {
  return frames
    .filter((f) => f.type === "response.output_text.delta")
    .map((f) => String(f.delta))
    .join("");
}

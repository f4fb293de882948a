// Codex's Responses websocket as a load client: one socket per worker, `response.create` frames
// out, the answer's frames back, one turn at a time. Leaving mid-answer closes the socket (as
// Codex does); the next turn opens a fresh one.
import { openSocket } from "../../harness/ws-client.ts";
import { checkText } from "./answer-text.ts";
import { type Answer, type StreamResult, noAnswer } from "./http-stream.ts";
import { eventJson, responsesReading } from "./reading.ts";
import type { Behaviour } from "./types.ts";

export class WsSession {
  private ws: WebSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async turn(frame: string, how: Behaviour, answer: Answer, timeoutMs: number): Promise<StreamResult> {
    const t0 = performance.now();
    const base = noAnswer("codex-ws");
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      const opened = await openSocket(this.url, this.headers, timeoutMs);
      if (!opened.ok)
        return { ...base, status: 0, ttfb: null, total: performance.now() - t0, error: `websocket: ${opened.why}` };
      this.ws = opened.ws;
    }
    const ws = this.ws;
    const sentAt = performance.now();
    return new Promise<StreamResult>((resolve) => {
      let text = "";
      let deltas = 0;
      let bytes = 0;
      let ttfb: number | null = null;
      let done = false;
      const finish = (fields: { status: number; completed: boolean; aborted: boolean; error: string | null }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ws.onmessage = null;
        ws.onclose = null;
        const check = checkText(text, answer.chunks, answer.size);
        resolve({
          ...base,
          ...fields,
          ttfb,
          total: performance.now() - t0,
          deltas,
          orderViolations: check.violations,
          incomplete: fields.completed && !check.whole,
          bytes,
        });
      };
      const drop = () => {
        if (this.ws === ws) this.ws = null;
        ws.close(1000);
      };
      const timer = setTimeout(() => {
        drop();
        finish({ status: 0, completed: false, aborted: false, error: `no complete answer within ${timeoutMs} ms` });
      }, timeoutMs);
      ws.onmessage = (m) => {
        const data = typeof m.data === "string" ? m.data : new TextDecoder().decode(m.data as ArrayBuffer);
        ttfb ??= performance.now() - sentAt;
        bytes += data.length;
        const e = eventJson(data);
        if (!e) return;
        const d = responsesReading.delta(e);
        if (d !== null) {
          text += d;
          deltas++;
        }
        const end = responsesReading.terminal(e);
        if (end === "ok") return finish({ status: 200, completed: true, aborted: false, error: null });
        if (end === "fail") {
          const status = typeof e.status === "number" ? e.status : 200;
          return finish({
            status,
            completed: false,
            aborted: false,
            error: `${String(e.type)} frame: ${data.slice(0, 200)}`,
          });
        }
        if (how.abortAfterDeltas !== null && deltas >= how.abortAfterDeltas) {
          drop();
          finish({ status: 200, completed: false, aborted: true, error: null });
        }
      };
      ws.onclose = (e) => {
        if (this.ws === ws) this.ws = null;
        finish({
          status: ttfb === null ? 0 : 200,
          completed: false,
          aborted: false,
          error: `socket closed mid-answer (code ${e.code})`,
        });
      };
      ws.send(frame);
    });
  }

  close(): void {
    this.ws?.close(1000);
    this.ws = null;
  }
}

import { ANTHROPIC_PING, type AnthropicStreamTranslator } from "../anthropic/responses-to-anthropic.ts";
import { type CollectResult, type MessageOptions, collectNonStream } from "../anthropic/responses-to-message.ts";
import type { ResponsesEvent } from "../anthropic/types.ts";
import { committedBody } from "../engine/committed-stream.ts";
import type { Committed } from "../engine/forward.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import type { StreamEvent } from "../stream/upstream-stream.ts";

// A committed upstream Responses stream, re-spoken as Claude Messages. Both readers sit on top of
// `committedBody`, so accounting (success, latency, log line) and cancellation are the Codex path's.

function responsesEvent(e: StreamEvent): ResponsesEvent | null {
  return e.json && typeof e.json.type === "string" ? (e.json as ResponsesEvent) : null;
}

function why(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/**
 * The SSE body Claude Code reads (with `event:` lines). Pull-based like the Codex path: nothing
 * is read upstream faster than Claude reads. A `ping` goes out after `pingMs` of upstream
 * silence (long reasoning) so Claude Code's idle watchdog does not cut the stream; a stream that
 * breaks or ends before its terminal event ends with an `error` event, not a fake `end_turn`.
 */
export function anthropicSseBody(state: ProxyState, committed: Committed, t: AnthropicStreamTranslator, pingMs: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let out = "";
  let started = false;
  // committedBody errors without a reason (so Bun prints no stack when it serves one); it tells the why here.
  let broke: string | null = null;
  const raw = committedBody(state, committed, {
    onEvent: (e) => {
      const event = responsesEvent(e);
      if (event) out += t.push(event);
    },
    onEnd: (r) => {
      broke = r.error;
    },
  }).getReader();
  type Read = Awaited<ReturnType<typeof raw.read>>;
  let pending: Promise<Read> | null = null;

  const next = async (): Promise<Read | "idle"> => {
    const read = (pending ??= raw.read());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<"idle">((resolve) => {
      timer = setTimeout(() => resolve("idle"), pingMs);
    });
    try {
      const r = await Promise.race([read, idle]);
      if (r !== "idle") pending = null;
      return r;
    } finally {
      clearTimeout(timer);
    }
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (out) {
          controller.enqueue(enc.encode(out));
          out = "";
          started = true;
          return;
        }
        let r: Awaited<ReturnType<typeof next>>;
        try {
          r = await next();
        } catch (error) {
          out += t.error("api_error", `The upstream stream broke: ${broke ?? why(error)}`);
          if (out) controller.enqueue(enc.encode(out));
          controller.close();
          return;
        }
        if (r === "idle") {
          if (started && !t.done) {
            controller.enqueue(enc.encode(ANTHROPIC_PING));
            return;
          }
          continue;
        }
        if (r.done) {
          out += t.error("api_error", "The upstream stream ended before the response was complete.");
          if (out) controller.enqueue(enc.encode(out));
          controller.close();
          return;
        }
      }
    },
    cancel(reason) {
      void raw.cancel(reason).catch(() => {});
    },
  });
}

/** For `stream:false`: reads the committed stream to its end and builds one message. */
export async function collectAnthropic(state: ProxyState, committed: Committed, model: string, opts: MessageOptions, signal: AbortSignal): Promise<CollectResult> {
  const events: ResponsesEvent[] = [];
  let broke: string | null = null;
  const reader = committedBody(state, committed, {
    onEvent: (e) => {
      const event = responsesEvent(e);
      if (event) events.push(event);
    },
    onEnd: (r) => {
      broke = r.error;
    },
  }).getReader();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
    }
  } catch (error) {
    return { ok: false, error: { type: "error", error: { type: "api_error", message: `The upstream stream broke: ${broke ?? why(error)}` } } };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return collectNonStream(events, model, opts);
}

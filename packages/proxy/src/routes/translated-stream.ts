import type { ResponsesEvent } from "../anthropic/types.ts";
import { committedBody } from "../engine/committed-stream.ts";
import type { Committed } from "../engine/forward.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import type { StreamEvent } from "../stream/upstream-stream.ts";

// A committed upstream Responses stream, re-spoken in another API (Claude Messages, Chat
// Completions) or collected for a `stream:false` answer. Both sit on top of `committedBody`, so
// accounting (success, latency, log line) and cancellation are the Codex path's.

/** What re-speaks the stream: SSE text per upstream event, and the end of a stream that broke. */
export type SseTranslator = {
  push(event: ResponsesEvent): string;
  /** The closing frames for a stream that broke or ended early (`message` says which). */
  broken(message: string): string;
  /** True once the translator wrote its last frame. */
  readonly done: boolean;
  /** Written after `pingMs` of upstream silence once output started. */
  readonly ping: string;
};

export function responsesEvent(e: StreamEvent): ResponsesEvent | null {
  return e.json && typeof e.json.type === "string" ? (e.json as ResponsesEvent) : null;
}

function why(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

export const ENDED_EARLY = "The upstream stream ended before the response was complete.";

/**
 * The SSE body the client reads. Pull-based like the Codex path: nothing is read upstream faster
 * than the client reads. A ping goes out after `pingMs` of upstream silence (long reasoning) so an
 * idle watchdog does not cut the stream; a stream that breaks or ends before its terminal event
 * ends with the translator's error frame, not a fake success.
 */
export function translatedSseBody(
  state: ProxyState,
  committed: Committed,
  t: SseTranslator,
  pingMs: number,
): ReadableStream<Uint8Array> {
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
          out += t.broken(`The upstream stream broke: ${broke ?? why(error)}`);
          if (out) controller.enqueue(enc.encode(out));
          controller.close();
          return;
        }
        if (r === "idle") {
          if (started && !t.done) {
            controller.enqueue(enc.encode(t.ping));
            return;
          }
          continue;
        }
        if (r.done) {
          out += t.broken(ENDED_EARLY);
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

/**
 * A 2xx that is not an event stream: nothing a translated route can use. Its body is dropped and
 * the answer logged; the content type is returned for the client's error.
 */
export async function dropUnstreamed(state: ProxyState, committed: Committed, client: string): Promise<string> {
  const type = committed.response.headers.get("content-type") ?? "none";
  await committed.response.body?.cancel().catch(() => {});
  state.log.line("warn", `${client}: upstream answered without an event stream`, {
    profile: committed.profile,
    contentType: type,
  });
  return type;
}

/** For `stream:false`: reads the committed stream to its end. `broke` says why when it broke; `observe` sees every raw event. */
export async function collectEvents(
  state: ProxyState,
  committed: Committed,
  signal: AbortSignal,
  observe?: (e: StreamEvent) => void,
): Promise<{ events: ResponsesEvent[]; broke: string | null }> {
  const events: ResponsesEvent[] = [];
  let broke: string | null = null;
  const reader = committedBody(state, committed, {
    onEvent: (e) => {
      observe?.(e);
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
    return { events, broke: broke ?? why(error) };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return { events, broke: null };
}

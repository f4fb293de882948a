import { windowsFromHeaders } from "@prodex/core";
import type { Committed } from "./forward.ts";
import type { ProxyState } from "./proxy-state.ts";
import type { StreamEvent } from "../stream/upstream-stream.ts";
import { carriesResponse, outcomeOf, recordRequest } from "./request-ledger.ts";

export type StreamObserver = {
  /** Sees every parsed event after (and including) the held ones. */
  onEvent?: (event: StreamEvent) => void;
  /** Called once: `completed` when the upstream sent response.completed. */
  onEnd?: (result: { completed: boolean; aborted: boolean; error: string | null }) => void;
};

/**
 * The client's body for a committed SSE answer: the held bytes as they came, then the rest of
 * the upstream stream chunk by chunk. Pull-based, so a slow client slows the upstream read
 * (back-pressure); a client that goes away cancels the upstream request.
 */
export function committedBody(
  state: ProxyState,
  committed: Committed,
  observer: StreamObserver = {},
): ReadableStream<Uint8Array> {
  const stream = committed.stream;
  const head = committed.hold?.head.slice() ?? [];
  let completed = false;
  let ended = false;
  let terminal: string | null = null;
  let response: unknown = null;
  let firstByteAt: number | null = null;
  const see = (events: StreamEvent[]) => {
    for (const e of events) {
      if (e.type === "response.completed") completed = true;
      if (carriesResponse(e.type)) {
        response = e.json;
        if (e.type !== "response.created") terminal = e.type ?? null;
      }
      observer.onEvent?.(e);
    }
  };
  const finish = (aborted: boolean, error: string | null) => {
    if (ended) return;
    ended = true;
    state.metrics.streamClosed();
    const latency = state.ctx.now() - committed.startedAt;
    if (completed)
      state.pool.succeeded(committed.profile, latency, windowsFromHeaders(committed.response.headers, state.ctx.now()));
    state.log.line(completed ? "info" : "warn", "request", {
      profile: committed.profile,
      status: committed.response.status,
      ms: latency,
      attempts: committed.attempts,
      completed,
      aborted,
      error,
    });
    const status = committed.response.status;
    const outcome = outcomeOf({ aborted, broken: error !== null, terminal, streamed: stream !== null, status });
    recordRequest(state, committed.meta, {
      profile: committed.profile,
      status,
      outcome,
      attempts: committed.attempts,
      response,
      firstByteAt,
    });
    observer.onEnd?.({ completed, aborted, error });
  };
  see(committed.hold?.events ?? []);
  state.metrics.streamOpened();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = head.shift();
      if (chunk) {
        firstByteAt ??= state.ctx.now();
        controller.enqueue(chunk);
        return;
      }
      if (!stream) {
        controller.close();
        finish(false, null);
        return;
      }
      try {
        const next = await stream.next();
        if (next === null) {
          see(stream.flush());
          controller.close();
          finish(false, null);
          return;
        }
        see(next.events);
        firstByteAt ??= state.ctx.now();
        controller.enqueue(next.chunk);
      } catch (error) {
        // After commit an upstream failure is the client's to see: end the stream as it broke.
        const message = error instanceof Error ? error.message : String(error);
        finish(false, message);
        // No reason: Bun then resets the client's connection without printing a stack (the runtime log has the why).
        controller.error();
      }
    },
    cancel() {
      stream?.cancel();
      finish(true, "client disconnected");
    },
  });
}

/** Playing a script of events as an SSE body, paced, and stopping cleanly when the client leaves. */
import type { Script } from "./faults.ts";
import { delay, wait } from "./pacing.ts";
import type { Rng } from "./prng.ts";
import { isDelta, sseFrame, type ServerEvent } from "./sse-answers.ts";
import type { MockStreamOptions } from "./types.ts";

export type Player = {
  pacing: MockStreamOptions;
  rng: Rng;
  /** Aborts when the client disconnects or the mock stops. */
  signal: AbortSignal;
  /** Called once: true when every event of a complete script reached the socket. */
  onEnd: (completed: boolean) => void;
};

/** Send each event, waiting chunkDelayMs (+ jitter) before content deltas. Returns false if aborted. */
export async function play(events: ServerEvent[], send: (e: ServerEvent) => void, p: Player): Promise<boolean> {
  for (const e of events) {
    if (isDelta(e) && !(await wait(delay(p.pacing.chunkDelayMs, p.pacing.jitterMs, p.rng), p.signal))) return false;
    if (p.signal.aborted) return false;
    send(e);
  }
  return true;
}

// A reset makes the client's kernel drop what it received but had not yet read (measured: a reader 200 ms behind
// sees no event at all), so a drop waits long enough for a reader on a loaded machine to take the events first.
const DROP_FLUSH_MS = 150;

/** A ReadableStream of SSE frames; a "drop" script errors the stream so the socket closes mid-body. */
export function sseBody(script: Script, p: Player): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const local = new AbortController();
  const signal = AbortSignal.any([p.signal, local.signal]);
  let ended = false;
  const end = (completed: boolean) => {
    if (ended) return;
    ended = true;
    p.onEnd(completed);
  };
  let i = 0;
  const finish = async (ctl: ReadableStreamDefaultController<Uint8Array>) => {
    if (script.end === "drop") {
      end(false);
      // Let Bun flush what was sent, else the client sees a reset with no events at all.
      if (script.events.length > 0) await wait(DROP_FLUSH_MS, signal);
      // Erroring without a reason makes Bun reset the connection without logging a stack.
      quiet(() => ctl.error());
      return;
    }
    end(script.end === "complete");
    ctl.close();
  };
  // Pull-based: one event per pull, so a slow reader gets backpressure and an abort stops the timer.
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const e = script.events[i++];
      if (!e) return finish(ctl);
      if (isDelta(e) && !(await wait(delay(p.pacing.chunkDelayMs, p.pacing.jitterMs, p.rng), signal))) {
        end(false);
        quiet(() => ctl.error());
        return;
      }
      if (!quiet(() => ctl.enqueue(enc.encode(sseFrame(e))))) {
        end(false);
        return;
      }
      // A drop waits for the next pull: Bun has taken the last event by then, so the reset cannot overtake it.
      if (i === script.events.length && script.end !== "drop") await finish(ctl);
    },
    cancel() {
      local.abort();
      end(false);
    },
  });
}

/** Run a controller call that throws once the client has cancelled; report whether it worked. */
function quiet(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

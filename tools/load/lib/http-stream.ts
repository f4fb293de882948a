// One streamed HTTP request (Codex SSE or Claude Messages), read the way its client reads it,
// with the answer text checked for order and completeness as it arrives.
import { SseParser } from "@prodex/proxy";
import { checkText } from "./answer-text.ts";
import { type Reading, eventJson } from "./reading.ts";
import type { Behaviour, Outcome, Route } from "./types.ts";

export type HttpRequest = { route: Route; url: string; headers: Record<string, string>; body: Uint8Array | string };
export type Answer = { chunks: number; size: number };
/** What a stream reports; the driver adds seq, phase and run-relative times. */
export type StreamResult = Omit<Outcome, "seq" | "phase" | "at" | "end" | "readyAfterError"> & {
  turnState: string | null;
};

/** The fields of a result before any answer arrived; the caller adds status, times and error. */
export const noAnswer = (route: Route) => ({
  route,
  deltas: 0,
  orderViolations: 0,
  incomplete: false,
  bytes: 0,
  turnState: null,
  completed: false,
  aborted: false,
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

export async function httpStream(
  req: HttpRequest,
  reading: Reading,
  how: Behaviour,
  answer: Answer,
  timeoutMs: number,
): Promise<StreamResult> {
  const t0 = performance.now();
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeoutMs);
  const base = noAnswer(req.route);
  try {
    let res: Response;
    try {
      res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body, signal: ctl.signal });
    } catch (error) {
      return {
        ...base,
        status: 0,
        ttfb: null,
        total: performance.now() - t0,
        error: timedOut ? `no answer within ${timeoutMs} ms` : `no answer: ${message(error)}`,
      };
    }
    const turnState = res.headers.get("x-codex-turn-state");
    if (res.status !== 200 || !res.body) {
      const text = await res.text().catch(() => "");
      return {
        ...base,
        turnState,
        status: res.status,
        ttfb: performance.now() - t0,
        total: performance.now() - t0,
        error: `HTTP ${res.status}: ${text.slice(0, 200)}`,
      };
    }
    const reader = res.body.getReader();
    const parser = new SseParser();
    let text = "";
    let deltas = 0;
    let bytes = 0;
    let ttfb: number | null = null;
    let firstAt = 0;
    let completed = false;
    let failure: string | null = null;
    let aborted = false;
    let broke: string | null = null;
    let stalled = false;
    let drainedFrom = 0;
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (error) {
        broke = timedOut ? `stream stalled past ${timeoutMs} ms` : `stream broke: ${message(error)}`;
        break;
      }
      if (r.done) break;
      const now = performance.now();
      if (ttfb === null) {
        ttfb = now - t0;
        firstAt = now;
      }
      bytes += r.value.byteLength;
      for (const m of parser.feed(r.value)) {
        const e = eventJson(m.data);
        if (!e) continue;
        const d = reading.delta(e);
        if (d !== null) {
          text += d;
          deltas++;
        }
        const end = reading.terminal(e);
        if (end === "ok") completed = true;
        if (end === "fail") failure ??= `${String(e.type)} event: ${m.data.slice(0, 200)}`;
      }
      if (how.abortAfterDeltas !== null && deltas >= how.abortAfterDeltas && !completed) {
        aborted = true;
        ctl.abort();
        await reader.cancel().catch(() => {});
        break;
      }
      if (how.stallMs !== null && !stalled) {
        // A reader that stops reading: everything behind it must wait, not pile up.
        stalled = true;
        how.onStall?.();
        await Bun.sleep(how.stallMs);
        firstAt = performance.now();
        drainedFrom = bytes;
      }
      if (how.drainBytesPerSec !== null) {
        // A slow reader: no faster than the rate, measured from the first byte (or the end of the pause).
        const due = ((bytes - drainedFrom) / how.drainBytesPerSec) * 1000 - (performance.now() - firstAt);
        if (due > 0) await Bun.sleep(due);
      }
    }
    const check = checkText(text, answer.chunks, answer.size);
    const error =
      aborted || (completed && failure === null) ? null : (failure ?? broke ?? "stream ended without a terminal event");
    return {
      route: req.route,
      status: 200,
      ttfb,
      total: performance.now() - t0,
      completed: completed && failure === null,
      aborted,
      error,
      deltas,
      orderViolations: check.violations,
      incomplete: completed && !check.whole,
      bytes,
      turnState,
    };
  } finally {
    clearTimeout(timer);
  }
}

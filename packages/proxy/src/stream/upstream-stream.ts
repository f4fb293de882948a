import { asRecord, parseJson } from "@prodex/guards";
import { SseParser, type SseMessage } from "../sse/index.ts";
import { type HoldLimits, type Point, commitPoint } from "../rotation/commit-point.ts";
import type { FailureVerdict } from "../rotation/ports.ts";

type ReadResult = { done: true; value?: undefined } | { done: false; value: Uint8Array };

/**
 * One SSE event. Its JSON is parsed on first use only: after the commit point most events are
 * piped through untouched, and Codex streams name their type in the `event:` line already.
 */
export class StreamEvent {
  readonly type: string | undefined;
  private parsed: Record<string, unknown> | null | undefined;

  constructor(readonly message: SseMessage) {
    this.type = message.event ?? (typeof this.json?.type === "string" ? this.json.type : undefined);
  }

  get json(): Record<string, unknown> | null {
    if (this.parsed !== undefined) return this.parsed;
    // Only an object can say anything; `{` first skips the parse for `[DONE]`-style data.
    const data = this.message.data;
    this.parsed = data.charCodeAt(0) === 0x7b ? (asRecord(parseJson(data)) ?? null) : null;
    return this.parsed;
  }
}

export function toStreamEvent(message: SseMessage): StreamEvent {
  return new StreamEvent(message);
}

export type HoldResult =
  /** Commit: write `head` (raw bytes, exactly as upstream sent them), then keep reading. */
  | { kind: "commit"; head: Uint8Array[]; events: StreamEvent[]; why: "output" | "limit" | "ended" }
  /** Failure before commit: nothing reached the client; the request may move. */
  | { kind: "rotate"; verdict: FailureVerdict };

/** How long an upstream may stay silent (no byte) before its answer counts as stalled: Codex's own idle limit. */
export const DEFAULT_STALL_MS = 300_000;

/** The upstream sent nothing for `ms`: before the commit point the request moves, after it the client's stream ends with this. */
export class UpstreamStalledError extends Error {
  override name = "UpstreamStalledError";
  constructor(readonly ms: number) {
    super(`upstream stalled: no data for ${ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`}`);
  }
}

/**
 * Reads an upstream SSE body. Before the commit point it buffers (bounded by time and size)
 * and watches for failures; after it, it hands raw chunks through untouched while still
 * parsing, so callers can see `response.completed`, ids and usage without re-encoding.
 */
export class UpstreamStream {
  private readonly reader: { read(): Promise<ReadResult>; cancel(): Promise<void> };
  private readonly parser = new SseParser();
  private pending: Promise<ReadResult> | null = null;
  private done = false;
  private lastByteAt: number;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private stalled = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly abort: AbortController,
    private readonly now: () => number = Date.now,
    /** Silence (no byte) after which the answer counts as stalled (see DEFAULT_STALL_MS). */
    private readonly stallMs = DEFAULT_STALL_MS,
  ) {
    this.reader = body.getReader() as unknown as UpstreamStream["reader"];
    this.lastByteAt = now();
  }

  async hold(limits: HoldLimits): Promise<HoldResult> {
    const head: Uint8Array[] = [];
    const events: StreamEvent[] = [];
    let bytes = 0;
    const deadline = this.now() + limits.maxMs;
    for (;;) {
      const now = this.now();
      if (bytes >= limits.maxBytes || (head.length > 0 && now >= deadline))
        return { kind: "commit", head, events, why: "limit" };
      // Silent past the stall limit, or not one byte by the hold's deadline (a live upstream says
      // response.created at once; there is nothing to commit): stalled. Nothing reached the client.
      const stalledAt =
        head.length > 0 ? this.lastByteAt + this.stallMs : Math.min(deadline, this.lastByteAt + this.stallMs);
      if (now >= stalledAt) {
        this.cancel();
        return {
          kind: "rotate",
          verdict: {
            action: "rotate",
            kind: "transient",
            reason: `${new UpstreamStalledError(now - this.lastByteAt).message} before output`,
            until: null,
          },
        };
      }
      let r: ReadResult | "timeout";
      try {
        r = await this.readWithin(Math.min(deadline, stalledAt) - now);
      } catch (error) {
        this.cancel();
        const message = error instanceof Error ? error.message : String(error);
        return {
          kind: "rotate",
          verdict: {
            action: "rotate",
            kind: "transient",
            reason: `stream broke before output (${message.slice(0, 100)})`,
            until: null,
          },
        };
      }
      if (r === "timeout") continue;
      if (r.done) {
        this.done = true;
        const tail = this.parser.flush().map(toStreamEvent);
        events.push(...tail);
        const end = commitPoint(tail, this.now(), "ended");
        return end.kind === "commit"
          ? { kind: "commit", head, events, why: "ended" }
          : { kind: "rotate", verdict: failureOf(end) };
      }
      this.lastByteAt = this.now();
      head.push(r.value);
      bytes += r.value.byteLength;
      const fresh = this.parser.feed(r.value).map(toStreamEvent);
      events.push(...fresh);
      const point = commitPoint(fresh, this.now());
      if (point.kind === "commit") return { kind: "commit", head, events, why: "output" };
      if (point.kind !== "hold") {
        this.cancel();
        return { kind: "rotate", verdict: failureOf(point) };
      }
    }
  }

  /**
   * Next raw chunk after the commit point (null at the end), with its parsed events. Throws
   * UpstreamStalledError once the upstream has been silent for the stall limit (and cancels it).
   */
  async next(): Promise<{ chunk: Uint8Array; events: StreamEvent[] } | null> {
    if (this.done) return null;
    this.watch();
    let r: ReadResult;
    try {
      r = await (this.pending ?? this.reader.read());
    } catch (error) {
      throw this.stalled ? new UpstreamStalledError(this.stallMs) : error;
    }
    this.pending = null;
    if (this.stalled) throw new UpstreamStalledError(this.stallMs);
    if (r.done) {
      this.finish();
      return null;
    }
    this.lastByteAt = this.now();
    return { chunk: r.value, events: this.parser.feed(r.value).map(toStreamEvent) };
  }

  /** Events of a final unterminated frame, once `next()` returned null. */
  flush(): StreamEvent[] {
    return this.parser.flush().map(toStreamEvent);
  }

  cancel(): void {
    this.finish();
    this.abort.abort();
    this.reader.cancel().catch(() => {});
  }

  private finish(): void {
    this.done = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /**
   * One timer per stream, not per chunk: it wakes when the stall limit could have passed and
   * re-arms for the rest when bytes came meanwhile.
   */
  private watch(): void {
    if (this.watchdog || this.done) return;
    const check = () => {
      this.watchdog = null;
      if (this.done) return;
      const quiet = this.lastByteAt + this.stallMs - this.now();
      if (quiet > 0) {
        this.watchdog = setTimeout(check, quiet);
        this.watchdog.unref?.();
        return;
      }
      this.stalled = true;
      this.cancel();
    };
    this.watchdog = setTimeout(check, Math.max(1, this.lastByteAt + this.stallMs - this.now()));
    this.watchdog.unref?.();
  }

  private readWithin(ms: number): Promise<ReadResult | "timeout"> {
    const read = this.pending ?? this.reader.read();
    this.pending = read;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ms);
    });
    return Promise.race([read, timeout]).then((r) => {
      clearTimeout(timer);
      if (r !== "timeout") this.pending = null;
      return r;
    });
  }
}

/** A websocket-only "reconnect" cannot happen on SSE; if it did, it is a transient failure. */
function failureOf(point: Exclude<Point, { kind: "commit" }>): FailureVerdict {
  if (point.kind === "fail") return point.verdict;
  return {
    action: "rotate",
    kind: "transient",
    reason: point.kind === "reconnect" ? point.reason : "stream ended before any output",
    until: null,
  };
}

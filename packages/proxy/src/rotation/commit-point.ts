// The commit point: until the client has received an event that is not one of HOLD_EVENTS, the
// request may still move to another account. One fold over the events seen so far decides it,
// for SSE and the websocket alike; the transports only add their own limits (time, bytes).
import { type Verdict, classifyEarlyEvent } from "./classify.ts";

/** Events that only announce that work started (and usage snapshots, which describe the account). */
export const HOLD_EVENTS: ReadonlySet<string> = new Set([
  "response.created",
  "response.in_progress",
  "response.queued",
  "response.output_item.added",
  "response.content_part.added",
  "codex.rate_limits",
]);

export function isHoldEvent(type: string | undefined): boolean {
  return type !== undefined && HOLD_EVENTS.has(type);
}

/** Bounds on how long / how much the proxy holds back before committing anyway. */
export type HoldLimits = { maxMs: number; maxBytes: number };
export const DEFAULT_HOLD: HoldLimits = { maxMs: 20_000, maxBytes: 256 * 1024 };

/** An event as both transports see it; `json` may be parsed lazily (read only for failure types). */
export type HeldEvent = { readonly type: string | undefined; readonly json: Record<string, unknown> | null };

export type Point =
  | { kind: "hold" }
  /** Output (or a final answer such as an invalid-request error): everything held goes to the client. */
  | { kind: "commit" }
  /** A failure before output: nothing reached the client; the request may move. */
  | { kind: "fail"; verdict: Extract<Verdict, { action: "rotate" | "refresh" }> }
  /** The upstream retired the connection (too old): a new socket to the same account, no rest. */
  | { kind: "reconnect"; reason: string };

/** Events whose payload can say "this account failed" (the rest need no parse before commit). */
const FAILURE_TYPES: ReadonlySet<string> = new Set(["response.failed", "error", "response.incomplete"]);
/** The upstream's "this connection is too old" error: the client would reconnect and resend; the proxy does. */
export const CONNECTION_LIMIT = "websocket_connection_limit_reached";

const HOLD: Point = { kind: "hold" };
const COMMIT: Point = { kind: "commit" };

/**
 * Folds `events` (those after the ones already judged "hold"). `ended`: the stream or socket
 * finished with these; a stream that ends with nothing but hold events is a failure.
 */
export function commitPoint(events: Iterable<HeldEvent>, now: number, ended: "open" | "ended" = "open"): Point {
  for (const event of events) {
    const point = judge(event, now);
    if (point !== HOLD) return point;
  }
  return ended === "ended" ? ENDED_EMPTY : HOLD;
}

const ENDED_EMPTY: Point = {
  kind: "fail",
  verdict: { action: "rotate", kind: "transient", reason: "stream ended before any output", until: null },
};

function judge(event: HeldEvent, now: number): Point {
  const { type } = event;
  if (type === undefined || FAILURE_TYPES.has(type)) {
    const json = event.json;
    if (json) {
      const error = json.error;
      if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === CONNECTION_LIMIT) {
        return { kind: "reconnect", reason: CONNECTION_LIMIT };
      }
      const verdict = classifyEarlyEvent(json, now);
      if (verdict && verdict.action !== "commit") return { kind: "fail", verdict };
    }
  }
  return isHoldEvent(type) ? HOLD : COMMIT;
}

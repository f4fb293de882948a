/** What a queued fault (or a random rate) does to one inference request. Pure decisions. */
import { MockError } from "./errors.ts";
import { failedEvent, type ResponsePlan, type ServerEvent } from "./sse-answers.ts";
import { overloadedBody, rateLimitBody, serverErrorBody, unauthorizedBody, type ErrorBody } from "./error-bodies.ts";
import type { Rng } from "./prng.ts";
import type { MockFault, MockRates } from "./types.ts";

/** How the stream of a 200 answer is cut short. */
export type Cut =
  | { kind: "none" }
  | { kind: "drop"; after: number }
  | { kind: "fail_usage" }
  | { kind: "fail_error"; after: number };

export type Outcome =
  | { kind: "usage_limit"; resetsInSeconds?: number }
  | { kind: "error"; status: number; body: ErrorBody; headers?: Record<string, string> }
  | { kind: "reset" }
  | { kind: "answer"; delayMs: number; cut: Cut };

const normal: Outcome = { kind: "answer", delayMs: 0, cut: { kind: "none" } };

export function outcomeOf(fault: MockFault | undefined): Outcome {
  if (!fault) return normal;
  switch (fault.kind) {
    case "usage_limit":
      return { kind: "usage_limit", resetsInSeconds: fault.resetsInSeconds };
    case "rate_limit":
      return { kind: "error", status: 429, body: rateLimitBody(), headers: { "retry-after": "1" } };
    case "unauthorized":
      return { kind: "error", status: 401, body: unauthorizedBody("expired") };
    case "server_error":
      return { kind: "error", status: fault.status ?? 500, body: serverErrorBody() };
    case "overloaded":
      return { kind: "error", status: 503, body: overloadedBody() };
    case "slow_first_byte":
      return { kind: "answer", delayMs: fault.delayMs, cut: { kind: "none" } };
    case "stream_failed_usage_limit":
      return { kind: "answer", delayMs: 0, cut: { kind: "fail_usage" } };
    case "drop_after_events":
      return { kind: "answer", delayMs: 0, cut: { kind: "drop", after: fault.events } };
    case "error_after_commit":
      return { kind: "answer", delayMs: 0, cut: { kind: "fail_error", after: fault.afterEvents } };
    case "reset_before_first_byte":
      return { kind: "reset" };
  }
}

const SERVER_STATUSES = [500, 502, 503];

/** Random load-test failures: a usage limit with probability `quota`, else a 5xx with probability `error`. */
export function randomOutcome(rates: MockRates, rng: Rng): Outcome | null {
  if (rates.quota && rng() < rates.quota) return { kind: "usage_limit" };
  if (rates.error && rng() < rates.error) {
    const status = SERVER_STATUSES[Math.floor(rng() * SERVER_STATUSES.length)] ?? 500;
    return { kind: "error", status, body: status === 503 ? overloadedBody() : serverErrorBody() };
  }
  return null;
}

/** A queued fault wins; else the random rates may strike; else a normal answer. */
export function nextOutcome(queue: MockFault[], rates: MockRates, rng: Rng): Outcome {
  const fault = queue.shift();
  if (fault) return outcomeOf(fault);
  return randomOutcome(rates, rng) ?? normal;
}

export type Script = { events: ServerEvent[]; end: "complete" | "close" | "drop" };

/** The events actually sent for a cut, and how the transport ends afterwards. */
export function applyCut(events: ServerEvent[], cut: Cut, plan: ResponsePlan): Script {
  // The last event is always response.completed: cuts never reach it.
  const body = events.slice(0, -1);
  switch (cut.kind) {
    case "none":
      return { events, end: "complete" };
    case "drop":
      return { events: body.slice(0, Math.max(0, cut.after)), end: "drop" };
    case "fail_usage": {
      const created = events.slice(0, 1);
      const error = {
        code: "usage_limit_reached",
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
      };
      return { events: [...created, failedEvent(plan, created.length, error)], end: "close" };
    }
    case "fail_error": {
      // "After commit" means the client already saw answer text: include the first text delta.
      const firstDelta = body.findIndex((e) => e.type === "response.output_text.delta");
      const n = Math.min(body.length, Math.max(cut.after, firstDelta + 1));
      const sent = body.slice(0, n);
      const error = { code: "server_error", message: "An error occurred while processing your request." };
      return { events: [...sent, failedEvent(plan, sent.length, error)], end: "close" };
    }
  }
}

/** Validate faults handed in by tests or the admin API, with one clear line on a mistake. */
export function checkFault(f: MockFault): MockFault {
  const bad = (what: string) => new MockError(`fault ${f.kind}: ${what}`);
  if (f.kind === "slow_first_byte" && !(f.delayMs >= 0)) throw bad("delayMs must be >= 0");
  if (f.kind === "drop_after_events" && !(f.events >= 0)) throw bad("events must be >= 0");
  if (f.kind === "error_after_commit" && !(f.afterEvents >= 0)) throw bad("afterEvents must be >= 0");
  if (f.kind === "server_error" && f.status !== undefined && !(f.status >= 500 && f.status <= 599))
    throw bad("status must be 5xx");
  return f;
}

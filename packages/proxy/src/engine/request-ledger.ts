// The usage ledger's one writer: a request that reached an account and committed is recorded here
// once, when its answer ends — HTTP for every client (committed-stream.ts) and Codex's websocket
// (ws-relay.ts). The row goes to the store writer (batched, off the request path; a worker thread
// in a proxy), never a round trip the client waits for.
import { completedUsage, printableAscii } from "@prodex/core";
import type { LedgerRow } from "@prodex/store";
import type { LaunchScope } from "./launch-scope.ts";
import type { ProxyState } from "./proxy-state.ts";

/**
 * Who sent a request, as a trusted front (the team gateway: the key's name) tells the proxy. Only a
 * request that already carries the launch's secret is read, so it only labels that launch's own traffic.
 */
export const CALLER_HEADER = "x-prodex-caller";

/** The launch, named by the caller its front gave (the gateway's key name), else its own id. */
export function withCaller(scope: LaunchScope, header: string | undefined): LaunchScope {
  const caller = header ? printableAscii(header).trim().slice(0, 80) : "";
  return caller ? { ...scope, caller } : scope;
}

/** What is known of a request when it enters the rotation. */
export type RequestMeta = {
  requestId: string;
  client: string;
  caller: string;
  startedAt: number;
};

export function requestMeta(state: ProxyState, client: string, scope: LaunchScope | undefined): RequestMeta {
  return {
    requestId: crypto.randomUUID(),
    client,
    caller: scope?.caller ?? scope?.id ?? "launch",
    startedAt: state.ctx.now(),
  };
}

/** How a committed answer ended. */
export type RequestEnd = {
  profile: string;
  status: number;
  /** completed | incomplete | failed | error | aborted | broken. */
  outcome: string;
  attempts: number;
  /** The last event that carried a `response` object (the terminal one when it came): model and usage. */
  response: unknown;
  /** Epoch ms the first byte went to the client, if any did. */
  firstByteAt: number | null;
};

/** Whether an event's type names one that carries the response object (its model, and at the end its usage). */
export function carriesResponse(type: string | undefined): boolean {
  return (
    type === "response.created" ||
    type === "response.completed" ||
    type === "response.incomplete" ||
    type === "response.failed"
  );
}

/** How an answer ended, in the ledger's words (one rule for both transports). */
export function outcomeOf(end: {
  aborted: boolean;
  broken: boolean;
  terminal: string | null;
  streamed: boolean;
  status: number;
}): string {
  if (end.aborted) return "aborted";
  if (end.broken) return "broken";
  if (end.terminal) return end.terminal.replace(/^response\./, "");
  return !end.streamed && end.status < 400 ? "completed" : "error";
}

export function recordRequest(state: ProxyState, meta: RequestMeta, end: RequestEnd): void {
  const now = state.ctx.now();
  const { model, usage } = completedUsage(end.response);
  const row: LedgerRow = {
    requestId: meta.requestId,
    at: meta.startedAt,
    caller: meta.caller,
    profile: end.profile,
    client: meta.client,
    model,
    ...usage,
    status: end.status,
    outcome: end.outcome,
    rotations: Math.max(0, end.attempts - 1),
    ttfbMs: end.firstByteAt === null ? null : Math.max(0, end.firstByteAt - meta.startedAt),
    durationMs: Math.max(0, now - meta.startedAt),
    instance: state.ctx.source,
  };
  state.ctx.writes.write({ repo: "ledger", method: "record", args: [row] });
  state.metrics.served(row);
  state.onRequest?.(row);
}

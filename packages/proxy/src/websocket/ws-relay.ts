// One `response.create` through the pool: held until the first output event (nothing reaches
// Codex before that, so a limit or an outage moves the request to another account unseen),
// then relayed frame by frame. Afterwards its response is bound to the account that served it.
import type { UsageWindow } from "@prodex/core";
import { isRecord } from "@prodex/guards";
import {
  type AffinityKeys,
  blobsIn,
  extractAffinity,
  foreignBlobs,
  ownerOf,
  stripEncrypted,
} from "../affinity/affinity-keys.ts";
import { blobKey } from "../affinity/body-scan.ts";
import { mayRotate, stayOn } from "../engine/launch-scope.ts";
import { dependencyDown, poolUnavailable, staleContinuation } from "../engine/local-answers.ts";
import { pooledWindows } from "../engine/pooled-usage.ts";
import { type RequestMeta, carriesResponse, outcomeOf, recordRequest, requestMeta } from "../engine/request-ledger.ts";
import { rejectsEncrypted } from "../rotation/classify.ts";
import { type HoldLimits, commitPoint } from "../rotation/commit-point.ts";
import type {
  AttemptInput,
  AttemptResult,
  FailureVerdict,
  Owner,
  RotateOutcome,
  RotateRequest,
} from "../rotation/ports.ts";
import { proxyPorts } from "../rotation/proxy-ports.ts";
import { rotate } from "../rotation/rotate.ts";
import type { UpstreamSocket } from "./upstream-socket.ts";
import { type ChainEntry, fullInput, hasCompaction, replayBody } from "./ws-chain.ts";
import type { WsConn } from "./ws-conn.ts";
import {
  type ClientFrame,
  type ServerEvent,
  errorFrame,
  httpErrorFrame,
  isTerminal,
  localAnswerFrame,
  responseIdOf,
  serverEvent,
} from "./ws-frames.ts";
import { relayableClose } from "./ws-headers.ts";
import { unservedReason } from "../metrics/unserved-reason.ts";
import { isRateLimitEvent, pooledRateLimitEvent, windowsFromRateLimitEvent } from "./ws-rate-limits.ts";
import { type LastFailure, type Refused, ensureSocket } from "./ws-attempt.ts";

type CreateFrame = Extract<ClientFrame, { kind: "create" }>;

/** What went upstream for an attempt: the text, the full input the upstream now holds, and its size. */
type Sent = { text: string; input: unknown[] | null; chars: number };

export async function relayCreate(conn: WsConn, frame: CreateFrame): Promise<void> {
  const { state } = conn;
  const { ctx } = state;
  const meta = requestMeta(state, "codex", conn.scope);
  const startedAt = meta.startedAt;
  const keys = extractAffinity(conn.headers, frame.body);
  const prevId = keys.previousResponseId;
  const prev = conn.chain.get(prevId);
  // A previous response the proxy did not keep can only still live on the socket open now.
  const home = conn.upstream?.socket.id ?? null;
  const bound = ownerOf(keys, (kind, key) => state.bindings.lookup(kind, key));
  const owner: Owner | null = prev
    ? { profile: prev.profile, via: "response_id" }
    : (bound ?? (prevId !== null && conn.upstream ? { profile: conn.upstream.profile, via: "connection" } : null));
  // Compaction items (or a previous response the proxy did not keep) cannot be replayed elsewhere.
  const stuck = keys.compaction || (prev?.compaction ?? false) || (prevId !== null && prev === undefined);
  const label = frame.generate ? "response" : "prewarm";
  const at: Route = { frame, keys, prev, prevId, home, owner };
  const ports = proxyPorts(
    state,
    { attempt: (input) => attemptCreate(conn, at, input) },
    { client: "ws", transport: "ws", what: label },
  );
  const outcome = await rotate(ports, wsRequest(conn, owner, stuck));
  const unserved = unservedReason(outcome);
  if (unserved) state.metrics.unserved(meta.client, unserved);

  const ms = ctx.now() - startedAt;
  const log = (level: "info" | "warn", fields: Record<string, string | number | boolean | null | undefined>) =>
    state.log.line(level, "request", {
      transport: "ws",
      conn: conn.id,
      what: label,
      ms,
      attempts: outcome.attempts,
      ...fields,
    });
  if (outcome.kind === "gone") return log("warn", { completed: false, aborted: true, error: "client disconnected" });
  if (outcome.kind === "served" && outcome.value.kind === "relayed") {
    const done = outcome.value;
    record(conn, meta, done, outcome.attempts);
    if (done.end.kind === "gone")
      return log("warn", { profile: done.profile, completed: false, aborted: true, error: "client disconnected" });
    finish(conn, frame, keys, done, ms);
    log(done.end.kind === "completed" ? "info" : "warn", {
      profile: done.profile,
      completed: done.end.kind === "completed",
      end: done.end.kind,
      error: done.end.kind === "closed" ? `upstream closed (${done.end.code})` : undefined,
    });
    return;
  }
  const text = answerFor(conn, outcome);
  log("warn", {
    status: statusOf(text),
    completed: false,
    error: outcome.kind === "served" ? outcome.value.kind : outcome.kind,
  });
  await conn.send(text);
}

/** The rotation request for a websocket turn (or the connect before the upgrade). */
export function wsRequest(conn: WsConn, owner: Owner | null, stuck: boolean): RotateRequest {
  return {
    owner,
    stuck,
    stayOn: stayOn(conn.scope),
    mayRotate: mayRotate(conn.state.pool, conn.scope),
    connected: () => (conn.upstream?.socket.open ? conn.upstream.profile : null),
    signal: conn.gone.signal,
  };
}

type Route = {
  frame: CreateFrame;
  keys: AffinityKeys;
  prev: ChainEntry | undefined;
  prevId: string | null;
  home: number | null;
  owner: Owner | null;
};
type Answer = { kind: "answer"; frame: string };
type CreateResult = Served | Answer | Refused;

/** One turn on one account: its socket, the frame, the hold, and after commit the relay. */
async function attemptCreate(
  conn: WsConn,
  at: Route,
  input: AttemptInput,
): Promise<AttemptResult<CreateResult, LastFailure>> {
  const { state } = conn;
  const { name } = input;
  const opened = await ensureSocket(conn, name, input.auth, input.deadline);
  if (opened.kind === "refused") return { kind: "served", value: opened };
  if (opened.kind !== "ready") return opened;
  const { socket, token } = opened;
  const foreign = input.bare
    ? new Set(at.keys.encrypted)
    : foreignBlobs(at.keys, name, at.owner?.profile ?? null, (kind, key) => state.bindings.lookup(kind, key));
  const sent = bodyFor(at, foreign, name, socket);
  if (!sent) return { kind: "served", value: { kind: "answer", frame: lostContinuation(at.prevId) } };
  // Whatever the socket was doing for a failed attempt, it is no use now.
  const failed = (result: Exclude<AttemptResult<never, LastFailure>, { kind: "served" | "gone" }>) => {
    conn.dropUpstream();
    return result;
  };
  if (!socket.send(sent.text))
    return failed({
      kind: "failed",
      verdict: closedEarly("upstream socket closed before the request went out"),
      last: null,
      token,
    });
  const held = await hold(conn, socket, state.hold);
  if (held.kind === "gone") return { kind: "gone" };
  if (held.kind === "reconnect") return failed({ kind: "reconnect", reason: held.reason });
  // A socket that sat open since an earlier request and closed unanswered is not the account's fault.
  if (held.kind === "rotate" && held.silent && socket.id === at.home)
    return failed({ kind: "reconnect", reason: held.verdict.reason });
  if (held.kind === "rotate")
    return failed({
      kind: "failed",
      verdict: held.verdict,
      last: held.text ? { kind: "frame", text: held.text } : null,
      token,
    });
  const first = held.events[0];
  if (!input.bare && at.keys.encryptedItems > 0 && first?.type === "error" && rejectsEncrypted(first.json)) {
    return failed({ kind: "rejected-reasoning", last: { kind: "frame", text: first.text } });
  }
  const seen: Seen = { response: null, firstByteAt: null };
  const end = await relayCommitted(conn, socket, name, held.events, seen);
  return { kind: "served", value: { kind: "relayed", profile: name, socket, sent, end, seen } };
}

function closedEarly(reason: string): FailureVerdict {
  return { action: "rotate", kind: "transient", reason, until: null };
}

/**
 * The frame for `name` on `socket`: as Codex sent it when that socket holds the previous
 * response, else replayed as a self-contained request. Null: the state is gone for good.
 */
function bodyFor(at: Route, foreign: ReadonlySet<string>, name: string, socket: UpstreamSocket): Sent | null {
  const { frame, prev, prevId, owner } = at;
  if (prevId === null) {
    // A fresh request sheds reasoning this account cannot read (as on HTTP).
    if (foreign.size > 0) return whole(stripEncrypted(frame.body, foreign).body);
    return { text: frame.text, input: fullInput(frame.body, undefined), chars: frame.text.length };
  }
  if (prev && prev.socket === socket.id)
    return { text: frame.text, input: fullInput(frame.body, prev), chars: prev.chars + frame.text.length };
  if (!prev)
    return (owner === null || owner.profile === name) && socket.id === at.home
      ? { text: frame.text, input: null, chars: frame.text.length }
      : null;
  return whole(replayBody(frame.body, prev, name).body);
}

function whole(body: Record<string, unknown>): Sent {
  const text = JSON.stringify(body);
  return { text, input: fullInput(body, undefined), chars: text.length };
}

type Held =
  | { kind: "commit"; events: ServerEvent[] }
  /** `silent`: the socket closed before answering anything. */
  | { kind: "rotate"; verdict: FailureVerdict; text: string | null; silent?: boolean }
  | { kind: "reconnect"; reason: string }
  | { kind: "gone" };

/** Frames up to the commit point (commit-point.ts); a failure before it is the account's, not the client's. */
async function hold(conn: WsConn, socket: UpstreamSocket, limits: HoldLimits): Promise<Held> {
  const { ctx } = conn.state;
  const events: ServerEvent[] = [];
  const deadline = ctx.now() + limits.maxMs;
  let chars = 0;
  for (;;) {
    const left = deadline - ctx.now();
    if (left <= 0 || chars >= limits.maxBytes) return { kind: "commit", events };
    const m = await socket.next(left, conn.gone.signal);
    if (m === "aborted") return { kind: "gone" };
    if (m === "timeout") return { kind: "commit", events };
    if (m.kind === "closed") {
      return {
        kind: "rotate",
        verdict: closedEarly(`upstream websocket closed before output (${m.code})`),
        text: null,
        silent: events.length === 0,
      };
    }
    const event = serverEvent(m.text);
    events.push(event);
    chars += m.text.length;
    const point = commitPoint([event], ctx.now());
    if (point.kind === "commit") return { kind: "commit", events };
    if (point.kind === "fail") return { kind: "rotate", verdict: point.verdict, text: m.text };
    if (point.kind === "reconnect") return { kind: "reconnect", reason: point.reason };
  }
}

/** What the ledger reads of a relayed answer: its last response object, and when Codex got its first frame. */
type Seen = { response: unknown; firstByteAt: number | null };
type Served = { kind: "relayed"; profile: string; socket: UpstreamSocket; sent: Sent; end: StreamEnd; seen: Seen };

type StreamEnd =
  /** `windows`: the account's usage as this response's codex.rate_limits frames reported it. */
  | {
      kind: "completed" | "failed" | "incomplete" | "error";
      id: string | null;
      output: unknown[];
      windows: UsageWindow[];
    }
  | { kind: "closed"; code: number }
  | { kind: "gone" };

/** After commit: the held frames, then everything up to the response's last event, unchanged. */
async function relayCommitted(
  conn: WsConn,
  socket: UpstreamSocket,
  profile: string,
  held: ServerEvent[],
  tally: Seen,
): Promise<StreamEnd> {
  const { state } = conn;
  const done: unknown[] = [];
  let id: string | null = null;
  let windows: UsageWindow[] = [];
  const forward = async (event: ServerEvent): Promise<StreamEnd | null> => {
    const seen = responseIdOf(event);
    if (seen && seen !== id) {
      // Known from response.created on: a continuation of it must come back to this account.
      id = seen;
      state.bindings.bind("response_id", id, profile);
    }
    let text = event.text;
    if (event.json && isRateLimitEvent(event.json)) {
      const now = state.ctx.now();
      const reported = windowsFromRateLimitEvent(event.json, now);
      if (reported.length) {
        windows = reported;
        state.pool.observe(profile, reported);
      }
      text = JSON.stringify(pooledRateLimitEvent(event.json, pooledWindows(state.pool, now).windows, now));
    }
    if (event.type === "response.output_item.done" && isRecord(event.json?.item)) done.push(event.json.item);
    if (carriesResponse(event.type)) tally.response = event.json;
    tally.firstByteAt ??= state.ctx.now();
    if (!(await conn.send(text))) return { kind: "gone" };
    if (!isTerminal(event.type)) return null;
    const response = event.json?.response;
    const output =
      isRecord(response) && Array.isArray(response.output) && response.output.length > 0 ? response.output : done;
    const kind =
      event.type === "response.completed"
        ? "completed"
        : event.type === "response.incomplete"
          ? "incomplete"
          : event.type === "error"
            ? "error"
            : "failed";
    return { kind, id, output, windows };
  };
  for (const event of held) {
    const end = await forward(event);
    if (end) return end;
  }
  for (;;) {
    // After commit the proxy never cuts a stream for idleness: the model may think for minutes.
    const m = await socket.next(60_000, conn.gone.signal);
    if (m === "timeout") continue;
    if (m === "aborted") return { kind: "gone" };
    if (m.kind === "closed") {
      // The answer broke after Codex saw part of it: Codex must see the same break.
      state.log.line("warn", "ws upstream closed mid-response", { conn: conn.id, profile, code: m.code });
      conn.close(relayableClose(m.code) ? m.code : m.code === 1005 ? 1000 : 1006, m.reason);
      return { kind: "closed", code: m.code };
    }
    const end = await forward(serverEvent(m.text));
    if (end) return end;
  }
}

/** The usage ledger's row for a relayed answer (a prewarm too: it reached the account). */
function record(conn: WsConn, meta: RequestMeta, served: Served, attempts: number): void {
  const { end, seen } = served;
  const terminal =
    end.kind === "closed" || end.kind === "gone" ? null : end.kind === "error" ? "error" : `response.${end.kind}`;
  const outcome = outcomeOf({
    aborted: end.kind === "gone",
    broken: end.kind === "closed",
    terminal,
    streamed: true,
    status: 200,
  });
  recordRequest(conn.state, meta, {
    profile: served.profile,
    status: 200,
    outcome,
    attempts,
    response: seen.response,
    firstByteAt: seen.firstByteAt,
  });
}

/** Bindings, chain, pool success and usage for a served response. */
function finish(
  conn: WsConn,
  frame: CreateFrame,
  keys: ReturnType<typeof extractAffinity>,
  served: Served,
  ms: number,
): void {
  const { state } = conn;
  const { end, profile, socket, sent } = served;
  if (end.kind !== "completed" && end.kind !== "incomplete") return;
  const b = state.bindings;
  b.bind("response_id", end.id, profile);
  b.bind("turn_state", socket.handshake.get("x-codex-turn-state") ?? keys.turnState, profile);
  b.bind("session", keys.session, profile);
  b.bind("prompt_cache_key", keys.promptCacheKey, profile);
  // What this account read and wrote is its own: later requests carrying it come back here.
  for (const blob of [...blobsIn(sent.input ?? []), ...blobsIn(end.output)])
    b.bind("encrypted", blobKey(blob), profile);
  if (end.id && sent.input) {
    const chars = sent.chars + JSON.stringify(end.output).length;
    conn.chain.record({
      id: end.id,
      profile,
      socket: socket.id,
      input: sent.input,
      output: end.output,
      compaction: hasCompaction(sent.input) || hasCompaction(end.output),
      chars,
    });
  }
  // A prewarm makes no output: it says nothing about the account's health or speed.
  if (frame.generate && end.kind === "completed") state.pool.succeeded(profile, ms, end.windows);
}

/** What Codex gets when no account could serve: the upstream's own last word, else the proxy's. */
function answerFor(conn: WsConn, outcome: RotateOutcome<CreateResult, LastFailure>): string {
  switch (outcome.kind) {
    case "served":
      if (outcome.value.kind === "answer") return outcome.value.frame;
      if (outcome.value.kind === "refused")
        return httpErrorFrame(outcome.value.status, outcome.value.headers, outcome.value.body);
      return localAnswerFrame(poolUnavailable(conn.state, new Set()));
    case "stale":
      return localAnswerFrame(staleContinuation(conn.state, outcome.owner, outcome.why));
    case "gone":
      return localAnswerFrame(poolUnavailable(conn.state, new Set()));
    case "exhausted": {
      if (outcome.down !== null) return localAnswerFrame(dependencyDown(outcome.down));
      const last = outcome.last;
      if (last?.kind === "frame") return last.text;
      if (last?.kind === "http" && last.status >= 400) return httpErrorFrame(last.status, last.headers, last.body);
      return localAnswerFrame(poolUnavailable(conn.state, new Set(outcome.tried)));
    }
  }
}

function statusOf(frame: string): number | undefined {
  const event = serverEvent(frame);
  return typeof event.json?.status === "number" ? event.json.status : undefined;
}

/** The previous response lived on an upstream socket that is gone, and the proxy kept no copy. */
function lostContinuation(prevId: string | null): string {
  return errorFrame(409, {
    type: "stale_continuation",
    code: "stale_continuation",
    message: `prodex proxy: the upstream connection that held response ${prevId ?? "?"} is gone and the conversation cannot be replayed; resend the full input on a new connection.`,
  });
}

import { mustStay, ownerOf } from "../affinity/affinity-keys.ts";
import { unservedReason } from "../metrics/unserved-reason.ts";
import { proxyPorts } from "../rotation/proxy-ports.ts";
import { rotate } from "../rotation/rotate.ts";
import { type Committed, type HttpRequest, httpAttempt } from "./http-attempt.ts";
import { type LaunchScope, mayRotate, stayOn } from "./launch-scope.ts";
import { dependencyDown, poolUnavailable, staleContinuation, type LocalAnswer } from "./local-answers.ts";
import type { ProxyState } from "./proxy-state.ts";
import { requestMeta } from "./request-ledger.ts";

export type { Committed } from "./http-attempt.ts";

export type ForwardRequest = HttpRequest & {
  /** Label for logs/events: "codex", "claude", "ws". */
  client: string;
  /** The launch the request comes from (per-lease options on a broker). */
  scope?: LaunchScope;
};

export type Outcome = Committed | { kind: "local"; answer: LocalAnswer; attempts: number };

/**
 * Sends one HTTP request to the pool through the rotation loop (rotation/rotate.ts), with an
 * HTTP attempt. After commit the caller streams; nothing rotates mid-stream.
 */
export async function forward(state: ProxyState, req: ForwardRequest): Promise<Outcome> {
  const meta = requestMeta(state, req.client, req.scope);
  const owner = ownerOf(req.keys, (kind, key) => state.bindings.lookup(kind, key));
  const ports = proxyPorts(state, httpAttempt(state, req, owner, meta), { client: req.client, path: req.path });
  const out = await rotate(ports, {
    owner,
    stuck: mustStay(req.keys),
    stayOn: stayOn(req.scope),
    mayRotate: mayRotate(state.pool, req.scope),
    connected: noConnection,
    signal: req.signal,
  });
  const unserved = unservedReason(out);
  if (unserved) state.metrics.unserved(req.client, unserved);
  switch (out.kind) {
    case "served":
      out.value.attempts = out.attempts;
      return out.value;
    case "stale":
      return { kind: "local", answer: staleContinuation(state, out.owner, out.why), attempts: out.attempts };
    case "gone":
      return { kind: "local", answer: poolUnavailable(state, new Set()), attempts: out.attempts };
    case "exhausted":
      // A dependency that is down is what kept the request from being served: say so. Else the upstream's own
      // last answer is the most faithful thing to return (Codex knows how to show a usage-limit 429), else a
      // local explanation.
      if (out.down !== null) return { kind: "local", answer: dependencyDown(out.down), attempts: out.attempts };
      return { kind: "local", answer: out.last ?? poolUnavailable(state, new Set(out.tried)), attempts: out.attempts };
  }
}

const noConnection = () => null;

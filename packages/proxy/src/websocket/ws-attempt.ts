// The websocket's part of an attempt: the connection's upstream socket to the account, opened
// (or reused) with its token. What a handshake failure means is classify.ts's, the rest the loop's.
import { type ChatgptAuth, quotaStatus, readyAgainAt, windowsFromHeaders } from "@prodex/core";
import { parseJson } from "@prodex/guards";
import { classifyNetworkError, classifyResponse } from "../rotation/classify.ts";
import type { AttemptResult, UpstreamPort } from "../rotation/ports.ts";
import { UpstreamSocket } from "./upstream-socket.ts";
import type { WsConn } from "./ws-conn.ts";
import { upstreamHandshakeHeaders, upstreamWsUrl } from "./ws-headers.ts";

/** The last thing an upstream said before the proxy gave up: passed on as the most faithful answer. */
export type LastFailure =
  | { kind: "frame"; text: string }
  | { kind: "http"; status: number; headers: Headers; body: string };

/** The upstream refused the handshake for a reason another account would share (e.g. 426): passed on as is. */
export type Refused = { kind: "refused"; status: number; headers: Headers; body: string };

export type Ready = { kind: "ready"; socket: UpstreamSocket; token: string };
type Failure = Exclude<AttemptResult<never, LastFailure>, { kind: "served" }>;

/** The connection's socket to `name`: the open one, or a fresh handshake with `auth`. */
export async function ensureSocket(
  conn: WsConn,
  name: string,
  auth: ChatgptAuth,
  deadline: number,
): Promise<Ready | Refused | Failure> {
  const { state } = conn;
  const { ctx, pool } = state;
  const current = conn.upstream;
  if (current && current.profile === name && current.socket.open)
    return { kind: "ready", socket: current.socket, token: current.token };
  conn.dropUpstream();
  const url = upstreamWsUrl(state.upstreamBase, "/codex/responses");
  const timeoutMs = Math.min(30_000, Math.max(1_000, deadline - ctx.now()));
  const result = await UpstreamSocket.connect(url, upstreamHandshakeHeaders(conn.headers, auth), {
    timeoutMs,
    signal: conn.gone.signal,
  });
  if (result.ok) {
    const now = ctx.now();
    const windows = windowsFromHeaders(result.socket.handshake, now);
    pool.observe(name, windows);
    if (quotaStatus(windows, now) === "exhausted") {
      // The handshake says the account is out: a usage limit, as its first frame's answer would be. It is rested
      // (a backoff every instance of a team gateway hears of at once) and the request moves on, no frame spent.
      result.socket.close(1000);
      const until = readyAgainAt(windows, now);
      return {
        kind: "failed",
        verdict: { action: "rotate", kind: "quota", reason: "usage limit reached", until },
        last: null,
      };
    }
    conn.useUpstream(result.socket, name, auth.accessToken);
    return { kind: "ready", socket: result.socket, token: auth.accessToken };
  }
  if (conn.gone.signal.aborted) return { kind: "gone" };
  if (result.status === null) {
    const verdict = classifyNetworkError(new Error(result.error));
    return verdict.action === "commit" ? { kind: "gone" } : { kind: "failed", verdict, last: null };
  }
  const headers = result.headers ?? new Headers();
  const verdict = classifyResponse(result.status, headers, parseJson(result.body), ctx.now());
  if (verdict.action === "commit") return { kind: "refused", status: result.status, headers, body: result.body };
  return {
    kind: "failed",
    verdict,
    last: { kind: "http", status: result.status, headers, body: result.body },
    token: auth.accessToken,
  };
}

/** Before the client's upgrade is accepted: only the socket, no request yet. */
export function connectAttempt(conn: WsConn): UpstreamPort<Refused | { kind: "connected" }, LastFailure> {
  return {
    async attempt({ name, auth, deadline }) {
      const opened = await ensureSocket(conn, name, auth, deadline);
      if (opened.kind === "ready") return { kind: "served", value: { kind: "connected" } };
      if (opened.kind === "refused") return { kind: "served", value: opened };
      return opened;
    },
  };
}

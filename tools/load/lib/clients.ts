// The requests a run sends, per door of the target: Codex over SSE (the bench's real 44 KB Codex
// 0.169 request, grouped into turns and sessions as Codex groups them), Codex over the websocket
// (one socket per worker), and Claude Code's /v1/messages.
import { type Target as BenchTarget, prepare, remember, upgradeHeaders } from "../../harness/workload.ts";
import { type Answer, type StreamResult, httpStream } from "./http-stream.ts";
import { messagesReading, responsesReading } from "./reading.ts";
import type { Target } from "./target.ts";
import type { Behaviour, Route, Transport } from "./types.ts";
import { WsSession } from "./ws-stream.ts";

/** Conversations of this many requests share a Claude session id (as the Codex workload shares one). */
const CLAUDE_SESSION = 25;
const runId = crypto.randomUUID().slice(0, 8);

function claudeBody(seq: number): string {
  const session = `${runId}-0000-4000-8000-${Math.floor(seq / CLAUDE_SESSION)
    .toString(16)
    .padStart(12, "0")}`;
  return JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    stream: true,
    system: [{ type: "text", text: "You are Claude Code, in a load run." }],
    tools: [
      {
        name: "Bash",
        description: "Executes a given bash command.",
        input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
      },
    ],
    metadata: { user_id: JSON.stringify({ device_id: "load", account_uuid: "", session_id: session }) },
    messages: [{ role: "user", content: [{ type: "text", text: "say hi" }] }],
  });
}

export type Clients = {
  /** Which door request `seq` goes through. */
  route(seq: number): Route;
  send(seq: number, worker: number, how: Behaviour): Promise<StreamResult>;
  close(): void;
};

export function clients(
  target: Target,
  transport: Transport,
  claudeShare: number,
  answer: Answer,
  timeoutMs: number,
): Clients {
  const codex: BenchTarget = { name: target.name, url: `${target.codexBaseUrl}/responses`, auth: target.codexAuth };
  const every = claudeShare > 0 && target.anthropicBaseUrl !== null ? Math.max(1, Math.round(1 / claudeShare)) : 0;
  const sockets = new Map<number, WsSession>();
  const route = (seq: number): Route =>
    every > 0 && seq % every === every - 1 ? "claude" : transport === "ws" ? "codex-ws" : "codex-sse";
  return {
    route,
    async send(seq, worker, how) {
      const r = route(seq);
      if (r === "claude") {
        const headers = {
          "content-type": "application/json",
          accept: "text/event-stream",
          "anthropic-version": "2023-06-01",
          "x-api-key": target.anthropicKey ?? "",
          "user-agent": "claude-cli/2.1.197 (external, sdk-cli)",
        };
        return httpStream(
          { route: r, url: `${target.anthropicBaseUrl}/v1/messages?beta=true`, headers, body: claudeBody(seq) },
          messagesReading,
          how,
          answer,
          timeoutMs,
        );
      }
      const p = prepare(codex, seq);
      if (r === "codex-sse") {
        const result = await httpStream(
          { route: r, url: p.url, headers: p.headers, body: p.body },
          responsesReading,
          how,
          answer,
          timeoutMs,
        );
        remember(codex, seq, result.turnState);
        return result;
      }
      let socket = sockets.get(worker);
      if (!socket) {
        socket = new WsSession(codex.url.replace(/^http/, "ws"), upgradeHeaders(codex, worker));
        sockets.set(worker, socket);
      }
      return socket.turn(p.frame, how, answer, timeoutMs);
    },
    close() {
      for (const s of sockets.values()) s.close();
      sockets.clear();
    },
  };
}

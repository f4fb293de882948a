// What the load generator sends: a real Codex 0.169 request (44 KB, from the protocol captures),
// grouped the way Codex groups its requests — turns of a few requests that echo the turn's
// `x-codex-turn-state`, inside conversations with a stable session-id / prompt_cache_key —
// addressed to one of the bench's targets.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PROXY_FIXTURES } from "./paths.ts";

const fixture = z
  .object({ headers: z.record(z.string(), z.string()), body: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(PROXY_FIXTURES, "responses/codex-request.json"), "utf8")));

/** How a Codex request travels: HTTP POST with an SSE answer, or a frame on the Responses websocket. */
export type Transport = "sse" | "ws";

/** Requests per turn (the first, then tool follow-ups) and per conversation. */
export const REQUESTS_PER_TURN = 5;
export const REQUESTS_PER_SESSION = 25;

export type Target = {
  name: string;
  /** `…/codex/responses` over http. */
  url: string;
  /** Credentials the client sends: the real account's for direct and floor, a placeholder for prodex (it swaps them). */
  /** The client's own login, plus any header the target needs (prodex: the launch's `x-prodex-key`). */
  auth: { authorization: string; "chatgpt-account-id": string; [header: string]: string };
};

export type Prepared = { url: string; headers: Record<string, string>; body: Uint8Array; frame: string };

const runId = Math.floor(Math.random() * 0xffff)
  .toString(16)
  .padStart(4, "0");
const sessionId = (n: number) => `01a217a8-${runId}-7000-8000-${n.toString(16).padStart(12, "0")}`;

/** Bodies are built once per session, so the generator's own cost stays small and equal for all targets. */
const bodies = new Map<number, { body: Uint8Array; frame: string }>();

function sessionBody(session: number): { body: Uint8Array; frame: string } {
  let hit = bodies.get(session);
  if (hit) return hit;
  const json = { ...fixture.body, prompt_cache_key: sessionId(session) };
  hit = {
    body: new TextEncoder().encode(JSON.stringify(json)),
    frame: JSON.stringify({ type: "response.create", ...json }),
  };
  if (bodies.size > 64) bodies.clear();
  bodies.set(session, hit);
  return hit;
}

/** `x-codex-turn-state` of each running turn, as Codex keeps it: from the turn's first answer. */
const turnStates = new Map<string, string>();
const turnKey = (target: Target, seq: number) => `${target.name}:${Math.floor(seq / REQUESTS_PER_TURN)}`;

/** Keeps the turn state an answer carried, for the rest of its turn. */
export function remember(target: Target, seq: number, turnState: string | null): void {
  if (!turnState) return;
  if (turnStates.size > 4096) turnStates.clear();
  turnStates.set(turnKey(target, seq), turnState);
}

/** Request number `seq` of a run against `target`. */
export function prepare(target: Target, seq: number): Prepared {
  const session = Math.floor(seq / REQUESTS_PER_SESSION);
  const turn = Math.floor(seq / REQUESTS_PER_TURN);
  const id = sessionId(session);
  const { body, frame } = sessionBody(session);
  const echo = turnStates.get(turnKey(target, seq));
  const headers: Record<string, string> = {
    ...fixture.headers,
    ...target.auth,
    "session-id": id,
    "thread-id": id,
    "x-client-request-id": id,
    "x-codex-window-id": `${id}:0`,
    "x-codex-turn-metadata": `{"session_id":"${id}","thread_id":"${id}","turn_id":"${id.slice(0, 24)}${turn.toString(16).padStart(12, "0")}","request_kind":"turn","model":"gpt-5"}`,
  };
  if (echo) headers["x-codex-turn-state"] = echo;
  return { url: target.url, headers, body, frame };
}

/** Headers Codex sends on its websocket upgrade (the same credentials as its HTTP requests). */
export function upgradeHeaders(target: Target, session: number): Record<string, string> {
  const id = sessionId(session);
  return {
    ...target.auth,
    "openai-beta": "responses_websockets=2026-02-06",
    originator: "codex_exec",
    "session-id": id,
    "thread-id": id,
  };
}

export const requestBytes = (): number => sessionBody(0).body.byteLength;

// How a client reads each kind of answer: which events carry answer text, and which end it.
import { asRecord, parseJson } from "@prodex/guards";

export type Terminal = "ok" | "fail" | null;

export type Reading = {
  /** The answer text an event adds, or null for any other event. */
  delta(event: Record<string, unknown>): string | null;
  terminal(event: Record<string, unknown>): Terminal;
};

/** Codex's Responses stream (SSE and websocket alike). */
export const responsesReading: Reading = {
  delta: (e) => (e.type === "response.output_text.delta" && typeof e.delta === "string" ? e.delta : null),
  terminal: (e) => {
    if (e.type === "response.completed") return "ok";
    return e.type === "response.failed" || e.type === "response.incomplete" || e.type === "error" ? "fail" : null;
  },
};

/** Anthropic Messages SSE, as Claude Code reads it. */
export const messagesReading: Reading = {
  delta: (e) => {
    const d = asRecord(e.delta);
    return e.type === "content_block_delta" && d?.type === "text_delta" && typeof d.text === "string" ? d.text : null;
  },
  terminal: (e) => (e.type === "message_stop" ? "ok" : e.type === "error" ? "fail" : null),
};

/** An event's JSON payload, or null when it is not a JSON object. */
export function eventJson(data: string): Record<string, unknown> | null {
  return data.charCodeAt(0) === 0x7b ? (asRecord(parseJson(data)) ?? null) : null;
}

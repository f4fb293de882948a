// The Responses websocket's frames (protocol README §1 "Websocket"): client frames are
// `{"type":"response.create", …body}`, server frames are the SSE data objects. Pure.
import { isRecord } from "@prodex/guards";
import type { LocalAnswer } from "../engine/local-answers.ts";
import { MAX_BODY_BYTES } from "../upstream/request-body.ts";

/** The same ceiling as an HTTP body: a first frame carries the whole conversation. */
export const MAX_FRAME_BYTES = MAX_BODY_BYTES;

export type ClientFrame =
  /** A request: rotated, held and relayed like an HTTP `POST /responses`. */
  | { kind: "create"; text: string; body: Record<string, unknown>; generate: boolean }
  /** Any other well-formed frame (e.g. `response.processed`): handed to the current upstream as is. */
  | { kind: "other"; text: string; type: string }
  | { kind: "bad"; status: number; message: string };

export function parseClientFrame(message: string | Uint8Array, maxBytes = MAX_FRAME_BYTES): ClientFrame {
  const size = typeof message === "string" ? Buffer.byteLength(message) : message.byteLength;
  if (size > maxBytes)
    return { kind: "bad", status: 413, message: `websocket frame of ${size} bytes exceeds the ${maxBytes}-byte limit` };
  let text: string;
  try {
    text = typeof message === "string" ? message : new TextDecoder("utf-8", { fatal: true }).decode(message);
  } catch {
    return {
      kind: "bad",
      status: 400,
      message: "websocket frame is not UTF-8 text; send a JSON response.create frame",
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "bad", status: 400, message: 'websocket frame is not JSON; expected {"type":"response.create", …}' };
  }
  if (!isRecord(json) || typeof json.type !== "string" || json.type.length === 0) {
    return {
      kind: "bad",
      status: 400,
      message: 'websocket frame has no "type"; expected {"type":"response.create", …}',
    };
  }
  if (json.type !== "response.create") return { kind: "other", text, type: json.type };
  return { kind: "create", text, body: json, generate: json.generate !== false };
}

/** One upstream frame, parsed once (null json for non-JSON noise, which passes through). */
export type ServerEvent = { text: string; json: Record<string, unknown> | null; type: string | undefined };

export function serverEvent(text: string): ServerEvent {
  let json: Record<string, unknown> | null = null;
  if (text.charCodeAt(0) === 0x7b) {
    try {
      const v: unknown = JSON.parse(text);
      json = isRecord(v) ? v : null;
    } catch {
      json = null;
    }
  }
  return { text, json, type: typeof json?.type === "string" ? json.type : undefined };
}

/** Events after which the upstream is done with a `response.create`. */
const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

export function isTerminal(type: string | undefined): boolean {
  return type !== undefined && TERMINAL.has(type);
}

/** `response.id` of a response.* event, if it carries one. */
export function responseIdOf(event: ServerEvent): string | null {
  const r = event.json?.response;
  return isRecord(r) && typeof r.id === "string" && r.id.length > 0 && r.id.length <= 512 ? r.id : null;
}

/**
 * An error frame as Codex reads it: `status` only — a frame with both `status` and
 * `status_code` fails Codex's parse and the turn hangs (README §1).
 */
export function errorFrame(status: number, error: Record<string, unknown>, headers?: Record<string, string>): string {
  return JSON.stringify(
    headers && Object.keys(headers).length
      ? { type: "error", status, error, headers }
      : { type: "error", status, error },
  );
}

/** The error frame answering a frame that is not a request (`who` says which server refused it). */
export function badFrameError(bad: Extract<ClientFrame, { kind: "bad" }>, who: string): string {
  return errorFrame(bad.status, {
    type: "invalid_request_error",
    code: "invalid_frame",
    message: `${who}: ${bad.message}`,
  });
}

/** Headers Codex reads off an error (usage windows, retry hints); the rest stay behind. */
function codexHeaders(headers: Headers | null): Record<string, string> {
  const out: Record<string, string> = {};
  headers?.forEach((value, key) => {
    if (key.startsWith("x-codex-") || key === "retry-after") out[key] = value;
  });
  return out;
}

/** An HTTP error (a refused upstream handshake, or one of the proxy's own answers) as an error frame. */
export function httpErrorFrame(status: number, headers: Headers | null, body: string): string {
  let error: Record<string, unknown> = {
    type: "server_error",
    message: body.slice(0, 500) || `upstream answered HTTP ${status}`,
  };
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json) && isRecord(json.error)) error = json.error;
  } catch {
    // not JSON: keep the text as the message
  }
  return errorFrame(status, error, codexHeaders(headers));
}

export function localAnswerFrame(answer: LocalAnswer): string {
  return httpErrorFrame(answer.status, answer.headers, answer.body);
}

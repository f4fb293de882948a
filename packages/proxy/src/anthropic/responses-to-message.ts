import {
  type JsonRecord as Obj,
  asArray as arr,
  asNumber as num,
  asRecord as obj,
  asString as str,
} from "@prodex/guards";
import { assembleResponse } from "../responses/assemble-response.ts";
import { errorTypeForCode, upstreamMessage } from "./errors.ts";
import { encodeSignature } from "./signature.ts";
import type {
  AnthropicContent,
  AnthropicErrorBody,
  AnthropicErrorType,
  AnthropicMessageBody,
  AnthropicUsage,
  ResponsesEvent,
  ResponsesObject,
  StopReason,
} from "./types.ts";

export type MessageOptions = {
  messageId?: string;
  /** Used when upstream reports no usage. */
  inputTokensEstimate?: number;
  /** Upstream → Claude tool names (from the request translation). */
  toolNames?: ReadonlyMap<string, string>;
  /** Owner tag written into thinking signatures. */
  owner?: string;
};

/** Responses usage → Anthropic usage. Cached input is reported as a cache read, as Claude Code adds the parts up. */
export function mapUsage(usage: unknown, inputEstimate = 0): AnthropicUsage {
  const u = obj(usage);
  const input = num(u?.input_tokens);
  const cached = num(obj(u?.input_tokens_details)?.cached_tokens) ?? 0;
  return {
    input_tokens: input === undefined ? inputEstimate : Math.max(0, input - cached),
    output_tokens: num(u?.output_tokens) ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: input === undefined ? 0 : cached,
  };
}

/** Stop reason of a finished response: status incomplete → max_tokens (content_filter → refusal); any tool call → tool_use. */
export function stopReasonOf(response: ResponsesObject | undefined, hadToolUse: boolean): StopReason {
  if (str(response?.status) === "incomplete") {
    const reason = str(obj(response?.incomplete_details)?.reason);
    return reason === "content_filter" ? "refusal" : "max_tokens";
  }
  return hadToolUse ? "tool_use" : "end_turn";
}

/** The Anthropic error for a response.failed `response` or an `error` event. */
export function failureOf(source: Obj): AnthropicErrorBody {
  const e = obj(source.error) ?? source;
  const code = str(e.code) ?? str(e.type);
  const message = str(e.message) ?? "The upstream model failed to answer.";
  const type: AnthropicErrorType = errorTypeForCode(code) ?? "api_error";
  return { type: "error", error: { type, message: upstreamMessage(code, message) } };
}

/** Text of a message output item (output_text and refusal parts). */
export function messageText(item: Obj): string {
  let text = "";
  for (const p of arr(item.content)) {
    const part = obj(p);
    text += str(part?.text) ?? str(part?.refusal) ?? "";
  }
  return text;
}

/** Joined reasoning summary of a reasoning output item. */
export function reasoningText(item: Obj): string {
  const texts: string[] = [];
  for (const p of arr(item.summary)) {
    const t = str(obj(p)?.text);
    if (t) texts.push(t);
  }
  return texts.join("\n\n");
}

/** A completed Responses object → one Anthropic message (for `stream:false`). */
export function responsesToAnthropicMessage(
  response: ResponsesObject,
  model: string,
  opts: MessageOptions = {},
): AnthropicMessageBody {
  const content: AnthropicContent[] = [];
  let toolUse = false;
  for (const raw of arr(response.output)) {
    const item = obj(raw);
    if (!item) continue;
    const type = str(item.type);
    if (type === "message") {
      const text = messageText(item);
      if (text) content.push({ type: "text", text });
    } else if (type === "reasoning") {
      const enc = str(item.encrypted_content);
      const thinking = reasoningText(item);
      if (thinking || enc)
        content.push({ type: "thinking", thinking, signature: enc ? encodeSignature(enc, opts.owner) : "" });
    } else if (type === "function_call") {
      const name = str(item.name) ?? "";
      toolUse = true;
      content.push({
        type: "tool_use",
        id: str(item.call_id) ?? str(item.id) ?? "",
        name: opts.toolNames?.get(name) ?? name,
        input: parseArgs(str(item.arguments)),
      });
    }
  }
  const id = str(response.id);
  return {
    id: opts.messageId ?? (id ? `msg_${id.replace(/^resp_/, "")}` : "msg_prodex"),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReasonOf(response, toolUse),
    stop_sequence: null,
    usage: mapUsage(response.usage, opts.inputTokensEstimate),
  };
}

export type CollectResult = { ok: true; message: AnthropicMessageBody } | { ok: false; error: AnthropicErrorBody };

/** Upstream always streams; for Claude's `stream:false` the proxy assembles the events (assemble-response.ts) into one message. */
export function collectNonStream(
  events: Iterable<ResponsesEvent>,
  model: string,
  opts: MessageOptions = {},
): CollectResult {
  const r = assembleResponse(events);
  if (r.ok) return { ok: true, message: responsesToAnthropicMessage(r.response, model, opts) };
  if (r.failure) return { ok: false, error: failureOf(r.failure) };
  return {
    ok: false,
    error: {
      type: "error",
      error: { type: "api_error", message: "The upstream stream ended before the response was complete." },
    },
  };
}

function parseArgs(args: string | undefined): unknown {
  if (!args) return {};
  try {
    return JSON.parse(args);
  } catch {
    // Claude Code validates tool input itself and reports the problem to the model; keep what came.
    return { _raw_arguments: args };
  }
}

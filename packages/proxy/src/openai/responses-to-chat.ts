import {
  type JsonRecord as Obj,
  asArray as arr,
  asNumber as num,
  asRecord as obj,
  asString as str,
} from "@prodex/guards";
import type { ResponsesEvent, ResponsesObject } from "../anthropic/types.ts";
import type { ChatCompletion, ChatToolCall, ChatUsage, FinishReason } from "./chat-types.ts";
import { type OpenAIErrorBody, streamFailure } from "./errors.ts";

/** Responses usage → Chat Completions usage. */
export function chatUsage(usage: unknown): ChatUsage {
  const u = obj(usage);
  const prompt = num(u?.input_tokens) ?? 0;
  const completion = num(u?.output_tokens) ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: num(u?.total_tokens) ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: num(obj(u?.input_tokens_details)?.cached_tokens) ?? 0 },
    completion_tokens_details: { reasoning_tokens: num(obj(u?.output_tokens_details)?.reasoning_tokens) ?? 0 },
  };
}

/** Why a finished response stopped: cut short → length (content_filter stays), else tool_calls when it called any. */
export function finishReason(response: ResponsesObject | undefined, calledTools: boolean): FinishReason {
  if (str(response?.status) === "incomplete")
    return str(obj(response?.incomplete_details)?.reason) === "content_filter" ? "content_filter" : "length";
  return calledTools ? "tool_calls" : "stop";
}

export type ChatIds = { id: string; created: number; model: string };

/** `chatcmpl-…` from the upstream response id, as the OpenAI API names completions. */
export function completionId(responseId: string | undefined): string {
  return `chatcmpl-${(responseId ?? crypto.randomUUID().replaceAll("-", "")).replace(/^resp_/, "")}`;
}

/** An assembled Responses object (assemble-response.ts) → one chat.completion. */
export function responseToChat(response: ResponsesObject, ids: ChatIds): ChatCompletion {
  let content: string | null = null;
  let refusal: string | null = null;
  const calls: ChatToolCall[] = [];
  for (const raw of arr(response.output)) {
    const item = obj(raw);
    if (item?.type === "message") {
      for (const p of arr(item.content)) {
        const part = obj(p);
        if (part?.type === "output_text") content = (content ?? "") + (str(part.text) ?? "");
        else if (part?.type === "refusal") refusal = (refusal ?? "") + (str(part.refusal) ?? "");
      }
    } else if (item?.type === "function_call") {
      calls.push({
        id: str(item.call_id) ?? str(item.id) ?? "",
        type: "function",
        function: { name: str(item.name) ?? "", arguments: str(item.arguments) ?? "" },
      });
    }
  }
  const message: ChatCompletion["choices"][0]["message"] = { role: "assistant", content, refusal, annotations: [] };
  if (calls.length) message.tool_calls = calls;
  return {
    id: ids.id,
    object: "chat.completion",
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(response, calls.length > 0) }],
    usage: chatUsage(response.usage),
    system_fingerprint: null,
  };
}

/** Chat's `data: [DONE]` terminator. */
export const CHAT_DONE = "data: [DONE]\n\n";

/** A keep-alive comment (SSE readers skip it) for long silences while the model reasons. */
export const CHAT_KEEPALIVE = ": keep-alive\n\n";

/**
 * Turns upstream Responses stream events into Chat Completions chunks, one event at a time.
 * `push` returns the SSE text to write (often ""). Each function call becomes one `tool_calls`
 * index, in the order upstream starts them (parallel calls stream side by side). The end is the
 * finish chunk, the usage chunk when asked for, and `[DONE]`; a failure is one `{error}` chunk.
 */
export class ChatStreamTranslator {
  private ended = false;
  private started = false;
  /** Each call under its item id and its output index (deltas name one or the other). */
  private calls = new Map<string | number, { index: number; args: number }>();
  private callCount = 0;
  private prefix: string;

  constructor(
    ids: ChatIds,
    private includeUsage: boolean,
  ) {
    this.prefix = `data: {"id":${JSON.stringify(ids.id)},"object":"chat.completion.chunk","created":${ids.created},"model":${JSON.stringify(ids.model)},"system_fingerprint":null,"choices":`;
  }

  get done(): boolean {
    return this.ended;
  }

  push(e: ResponsesEvent): string {
    if (this.ended) return "";
    switch (e.type) {
      case "response.created":
      case "response.in_progress":
        return this.start();
      case "response.output_text.delta":
        return this.start() + this.delta(`{"content":${JSON.stringify(str(e.delta) ?? "")}}`);
      case "response.refusal.delta":
        return this.start() + this.delta(`{"refusal":${JSON.stringify(str(e.delta) ?? "")}}`);
      case "response.output_item.added":
        return this.callStarted(obj(e.item), e);
      case "response.function_call_arguments.delta":
        return this.callArgs(e, str(e.delta) ?? "");
      case "response.output_item.done":
        return this.callDone(obj(e.item), e);
      case "response.completed":
      case "response.incomplete":
        return this.finish(obj(e.response));
      case "response.failed":
        return this.error(streamFailure(obj(e.response) ?? {}).body);
      case "error":
        return this.error(streamFailure(e).body);
      default:
        return "";
    }
  }

  /** Ends the stream with an error chunk (a broken or truncated upstream stream). */
  error(body: OpenAIErrorBody): string {
    if (this.ended) return "";
    this.ended = true;
    return `data: ${JSON.stringify(body)}\n\n`;
  }

  private start(): string {
    if (this.started) return "";
    this.started = true;
    return this.delta(`{"role":"assistant","content":"","refusal":null}`);
  }

  private delta(delta: string, finish = "null"): string {
    return `${this.prefix}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  }

  private key(e: ResponsesEvent, item?: Obj): string | number {
    return str(item?.id) ?? str(e.item_id) ?? num(e.output_index) ?? -1;
  }

  private callStarted(item: Obj | undefined, e: ResponsesEvent): string {
    if (item?.type !== "function_call") return "";
    const index = this.callCount++;
    const args = str(item.arguments) ?? "";
    const call = { index, args: args.length };
    this.calls.set(this.key(e, item), call);
    this.calls.set(num(e.output_index) ?? -1, call);
    const wire = {
      index,
      id: str(item.call_id) ?? str(item.id) ?? "",
      type: "function",
      function: { name: str(item.name) ?? "", arguments: args },
    };
    return this.start() + this.delta(`{"tool_calls":[${JSON.stringify(wire)}]}`);
  }

  private callArgs(e: ResponsesEvent, args: string): string {
    const call = this.calls.get(str(e.item_id) ?? -1) ?? this.calls.get(num(e.output_index) ?? -1);
    if (!call || !args) return "";
    call.args += args.length;
    return this.delta(`{"tool_calls":[{"index":${call.index},"function":{"arguments":${JSON.stringify(args)}}}]}`);
  }

  /** A call whose arguments did not stream (or only in part) gets the rest from its finished item. */
  private callDone(item: Obj | undefined, e: ResponsesEvent): string {
    if (item?.type !== "function_call") return "";
    const args = str(item.arguments) ?? "";
    const call = this.calls.get(this.key(e, item)) ?? this.calls.get(num(e.output_index) ?? -1);
    if (!call) return this.callStarted(item, e);
    if (args.length <= call.args) return "";
    const rest = args.slice(call.args);
    call.args = args.length;
    return this.delta(`{"tool_calls":[{"index":${call.index},"function":{"arguments":${JSON.stringify(rest)}}}]}`);
  }

  private finish(response: Obj | undefined): string {
    this.ended = true;
    const reason = finishReason(response, this.callCount > 0);
    let out = this.start() + this.delta("{}", `"${reason}"`);
    if (this.includeUsage) out += `${this.prefix}[],"usage":${JSON.stringify(chatUsage(response?.usage))}}\n\n`;
    return out + CHAT_DONE;
  }
}

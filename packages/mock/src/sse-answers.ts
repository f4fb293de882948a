/** The Responses API event sequence of one answer (examples/codex-ok.sse, codex-tool.sse). */
import type { Answer } from "./answers.ts";

export type ServerEvent = { type: string } & Record<string, unknown>;

export type ResponsePlan = {
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  answer: Answer;
  /** Text answers are streamed as these deltas. */
  chunks: string[];
  /** Encrypted content of a leading reasoning item, or null for none. */
  reasoning: string | null;
  /** Encrypted content of a compaction answer. */
  compaction: string;
  inputTokens: number;
};

export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

const REASONING_SUMMARY = "Thinking about the request (mock).";

type Usage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

function usage(input: number, output: number, reasoning: number): Usage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

function responseObject(plan: Pick<ResponsePlan, "id" | "createdAt" | "model">, status: string, output: unknown[]) {
  return { id: plan.id, object: "response", created_at: plan.createdAt, model: plan.model, status, output };
}

/** Numbered events; `seq` continues across calls. */
class Events {
  list: ServerEvent[] = [];
  push(type: string, fields: Record<string, unknown>): void {
    this.list.push({ type, sequence_number: this.list.length, ...fields });
  }
}

/** Every event of a successful answer, ending with response.completed (which carries usage). */
export function answerEvents(plan: ResponsePlan): ServerEvent[] {
  const ev = new Events();
  ev.push("response.created", { response: responseObject(plan, "in_progress", []) });
  ev.push("response.in_progress", { response: responseObject(plan, "in_progress", []) });
  const output: unknown[] = [];
  let outputTokens = 0;
  if (plan.answer.kind !== "compaction" && plan.reasoning !== null) {
    output.push(reasoningItem(ev, output.length, plan.reasoning));
    outputTokens += 8;
  }
  const answer = plan.answer;
  if (answer.kind === "compaction") output.push(compactionItem(ev, output.length, plan.compaction));
  if (answer.kind === "tool") output.push(toolItem(ev, output.length, answer.name, answer.arguments));
  if (answer.kind === "tools")
    for (const call of answer.calls) output.push(toolItem(ev, output.length, call.name, call.arguments));
  if (answer.kind === "text") output.push(messageItem(ev, output.length, plan.chunks));
  const text =
    answer.kind === "text"
      ? plan.chunks.join("")
      : answer.kind === "tool"
        ? answer.arguments
        : answer.kind === "tools"
          ? answer.calls.map((c) => c.arguments).join("")
          : "";
  outputTokens += Math.max(1, Math.ceil(text.length / 4));
  ev.push("response.completed", {
    response: {
      ...responseObject(plan, "completed", output),
      usage: usage(plan.inputTokens, outputTokens, plan.reasoning ? 8 : 0),
    },
  });
  return ev.list;
}

/** A websocket prewarm (`generate: false`): created and completed, no output. */
export function prewarmEvents(plan: Pick<ResponsePlan, "id" | "createdAt" | "model">): ServerEvent[] {
  const ev = new Events();
  ev.push("response.created", { response: responseObject(plan, "in_progress", []) });
  ev.push("response.completed", { response: { ...responseObject(plan, "completed", []), usage: usage(0, 0, 0) } });
  return ev.list;
}

/** A response.failed event that follows `before` (its sequence numbers continue). */
export function failedEvent(
  plan: Pick<ResponsePlan, "id" | "createdAt" | "model">,
  seq: number,
  error: { code: string; message: string } & Record<string, unknown>,
): ServerEvent {
  return {
    type: "response.failed",
    sequence_number: seq,
    response: { ...responseObject(plan, "failed", []), error, usage: null },
  };
}

/** Events whose pacing follows chunkDelayMs (the streamed content). */
export const isDelta = (e: ServerEvent) => e.type.endsWith(".delta");

function reasoningItem(ev: Events, index: number, encrypted: string): unknown {
  const id = newId("rs");
  const base = { id, type: "reasoning" };
  const at = { item_id: id, output_index: index, summary_index: 0 };
  ev.push("response.output_item.added", { output_index: index, item: { ...base, summary: [] } });
  ev.push("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } });
  ev.push("response.reasoning_summary_text.delta", { ...at, delta: REASONING_SUMMARY });
  ev.push("response.reasoning_summary_text.done", { ...at, text: REASONING_SUMMARY });
  ev.push("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: REASONING_SUMMARY } });
  const done = { ...base, summary: [{ type: "summary_text", text: REASONING_SUMMARY }], encrypted_content: encrypted };
  ev.push("response.output_item.done", { output_index: index, item: done });
  return done;
}

function messageItem(ev: Events, index: number, chunks: string[]): unknown {
  const id = newId("msg");
  const text = chunks.join("");
  const at = { item_id: id, output_index: index, content_index: 0 };
  ev.push("response.output_item.added", {
    output_index: index,
    item: { id, type: "message", role: "assistant", status: "in_progress", content: [] },
  });
  ev.push("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
  for (const delta of chunks) ev.push("response.output_text.delta", { ...at, delta });
  ev.push("response.output_text.done", { ...at, text });
  ev.push("response.content_part.done", { ...at, part: { type: "output_text", text, annotations: [] } });
  const done = {
    id,
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  };
  ev.push("response.output_item.done", { output_index: index, item: done });
  return done;
}

function toolItem(ev: Events, index: number, name: string, args: string): unknown {
  const id = newId("fc");
  const base = { id, type: "function_call", call_id: newId("call"), name };
  ev.push("response.output_item.added", {
    output_index: index,
    item: { ...base, status: "in_progress", arguments: "" },
  });
  ev.push("response.function_call_arguments.delta", { item_id: id, output_index: index, delta: args });
  ev.push("response.function_call_arguments.done", { item_id: id, output_index: index, arguments: args });
  const done = { ...base, status: "completed", arguments: args };
  ev.push("response.output_item.done", { output_index: index, item: done });
  return done;
}

function compactionItem(ev: Events, index: number, encrypted: string): unknown {
  const item = { id: newId("cmp"), type: "compaction", encrypted_content: encrypted };
  ev.push("response.output_item.added", { output_index: index, item });
  ev.push("response.output_item.done", { output_index: index, item });
  return item;
}

/** SSE framing with `event:` lines (optional for Codex, harmless, and what the real server sends). */
export const sseFrame = (e: ServerEvent) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

/**
 * Split the reply into deltas. chunks × chunkSize fixes the streamed length (the reply repeats
 * to fill it); chunks alone spreads the reply over that many deltas; chunkSize alone cuts it.
 */
export function splitText(text: string, chunks?: number, chunkSize?: number): string[] {
  const count = chunks !== undefined && chunks >= 1 ? Math.floor(chunks) : undefined;
  const size = chunkSize !== undefined && chunkSize >= 1 ? Math.floor(chunkSize) : undefined;
  if (text === "" || (count === undefined && size === undefined)) return [text];
  if (count !== undefined && size !== undefined) {
    const body = cycle(text, count * size);
    return Array.from({ length: count }, (_, i) => body.slice(i * size, (i + 1) * size));
  }
  if (size !== undefined) {
    return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
  }
  const n = count ?? 1;
  const body = cycle(text, Math.max(text.length, n));
  return Array.from({ length: n }, (_, i) =>
    body.slice(Math.floor((i * body.length) / n), Math.floor(((i + 1) * body.length) / n)),
  );
}

function cycle(text: string, length: number): string {
  return text.repeat(Math.ceil(length / text.length)).slice(0, length);
}

import type { ResponsesEvent } from "../../src/anthropic/types.ts";

/**
 * Builders for upstream Responses stream events. Text and function-call shapes copy the real
 * examples (codex-ok.sse, codex-tool.sse); reasoning events follow the published Responses
 * streaming format (no captured reasoning stream exists yet).
 */
export const ev = {
  created(id = "resp_test"): ResponsesEvent[] {
    const response = {
      id,
      object: "response",
      created_at: 1795694266,
      model: "gpt-5",
      status: "in_progress",
      output: [],
    };
    return [
      { type: "response.created", response },
      { type: "response.in_progress", response },
    ];
  },

  reasoning(i: number, summaries: string[][], encrypted?: string): ResponsesEvent[] {
    const item_id = `rs_${i}`;
    const out: ResponsesEvent[] = [
      { type: "response.output_item.added", output_index: i, item: { id: item_id, type: "reasoning", summary: [] } },
    ];
    summaries.forEach((deltas, s) => {
      out.push({
        type: "response.reasoning_summary_part.added",
        item_id,
        output_index: i,
        summary_index: s,
        part: { type: "summary_text", text: "" },
      });
      for (const delta of deltas)
        out.push({ type: "response.reasoning_summary_text.delta", item_id, output_index: i, summary_index: s, delta });
      out.push({
        type: "response.reasoning_summary_text.done",
        item_id,
        output_index: i,
        summary_index: s,
        text: deltas.join(""),
      });
    });
    const item: Record<string, unknown> = {
      id: item_id,
      type: "reasoning",
      summary: summaries.map((d) => ({ type: "summary_text", text: d.join("") })),
    };
    if (encrypted) item.encrypted_content = encrypted;
    out.push({ type: "response.output_item.done", output_index: i, item });
    return out;
  },

  text(i: number, deltas: string[], opts: { done?: boolean } = {}): ResponsesEvent[] {
    const item_id = `msg_${i}`;
    const text = deltas.join("");
    const out: ResponsesEvent[] = [
      {
        type: "response.output_item.added",
        output_index: i,
        item: { id: item_id, type: "message", role: "assistant", status: "in_progress", content: [] },
      },
      {
        type: "response.content_part.added",
        item_id,
        output_index: i,
        content_index: 0,
        part: { type: "output_text", text: "", annotations: [] },
      },
      ...deltas.map((delta) => ({
        type: "response.output_text.delta",
        item_id,
        output_index: i,
        content_index: 0,
        delta,
      })),
    ];
    if (opts.done === false) return out;
    out.push(
      { type: "response.output_text.done", item_id, output_index: i, content_index: 0, text },
      { type: "response.output_item.done", output_index: i, item: ev.messageItem(i, text) },
    );
    return out;
  },

  messageItem(i: number, text: string): Record<string, unknown> {
    return {
      id: `msg_${i}`,
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text, annotations: [] }],
    };
  },

  call(i: number, callId: string, name: string, deltas: string[], opts: { done?: boolean } = {}): ResponsesEvent[] {
    const item_id = `fc_${i}`;
    const args = deltas.join("");
    const out: ResponsesEvent[] = [
      {
        type: "response.output_item.added",
        output_index: i,
        item: { id: item_id, type: "function_call", status: "in_progress", call_id: callId, name, arguments: "" },
      },
      ...deltas.map((delta) => ({ type: "response.function_call_arguments.delta", item_id, output_index: i, delta })),
    ];
    if (opts.done === false) return out;
    out.push(
      { type: "response.function_call_arguments.done", item_id, output_index: i, arguments: args },
      {
        type: "response.output_item.done",
        output_index: i,
        item: { id: item_id, type: "function_call", status: "completed", call_id: callId, name, arguments: args },
      },
    );
    return out;
  },

  usage(input = 100, output = 5, cached = 0): Record<string, unknown> {
    return {
      input_tokens: input,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + output,
    };
  },

  completed(usage: Record<string, unknown> = ev.usage(), output: unknown[] = []): ResponsesEvent {
    return {
      type: "response.completed",
      response: { id: "resp_test", object: "response", status: "completed", output, usage },
    };
  },

  incomplete(reason: string, usage: Record<string, unknown> = ev.usage()): ResponsesEvent {
    return {
      type: "response.incomplete",
      response: { id: "resp_test", status: "incomplete", incomplete_details: { reason }, output: [], usage },
    };
  },

  failed(code: string, message: string): ResponsesEvent {
    return { type: "response.failed", response: { id: "resp_test", status: "failed", error: { code, message } } };
  },
};

import { expect } from "bun:test";
import { parseSse } from "../../src/sse/index.ts";

export type Frame = { event: string; data: Record<string, unknown> };

/** Parses Anthropic SSE text; every frame must carry an `event:` line equal to its data's type. */
export function frames(sse: string): Frame[] {
  return parseSse(sse).map((m) => {
    const data = JSON.parse(m.data) as Record<string, unknown>;
    expect(m.event).toBe(data.type as string);
    return { event: m.event ?? "", data };
  });
}

export type Block = { type: string; text: string; signature?: string; id?: string; name?: string };

export type Summary = { events: string[]; blocks: Block[]; stopReason: unknown; usage: unknown; error: unknown };

/** Reassembles blocks the way a client does and checks the stream is well formed. */
export function summarize(list: Frame[]): Summary {
  const blocks: Block[] = [];
  const open = new Set<number>();
  let stopReason: unknown = null;
  let usage: unknown = null;
  let error: unknown = null;
  list.forEach((f, i) => {
    const d = f.data;
    if (f.event === "message_start") expect(i).toBe(0);
    if (f.event === "message_stop") expect(i).toBe(list.length - 1);
    if (f.event === "error") {
      expect(i).toBe(list.length - 1);
      error = d.error;
    }
    if (f.event === "content_block_start") {
      const idx = d.index as number;
      expect(idx).toBe(blocks.length);
      expect(open.size).toBe(0); // one block at a time
      open.add(idx);
      const cb = d.content_block as Record<string, unknown>;
      const b: Block = { type: cb.type as string, text: "" };
      if (cb.type === "tool_use") {
        b.id = cb.id as string;
        b.name = cb.name as string;
      }
      blocks.push(b);
    }
    if (f.event === "content_block_delta") {
      const idx = d.index as number;
      expect(open.has(idx)).toBe(true);
      const delta = d.delta as Record<string, string>;
      const b = blocks[idx]!;
      if (delta.type === "text_delta") b.text += delta.text;
      else if (delta.type === "thinking_delta") b.text += delta.thinking;
      else if (delta.type === "input_json_delta") b.text += delta.partial_json;
      else if (delta.type === "signature_delta") b.signature = delta.signature;
      else throw new Error(`unknown delta ${delta.type}`);
      const expected = {
        text_delta: "text",
        thinking_delta: "thinking",
        input_json_delta: "tool_use",
        signature_delta: "thinking",
      }[delta.type];
      expect(b.type).toBe(expected!);
    }
    if (f.event === "content_block_stop") {
      expect(open.delete(d.index as number)).toBe(true);
    }
    if (f.event === "message_delta") {
      expect(open.size).toBe(0);
      stopReason = (d.delta as Record<string, unknown>).stop_reason;
      usage = d.usage;
    }
  });
  return { events: list.map((f) => f.event), blocks, stopReason, usage, error };
}

/** Frame sequence with delta types, consecutive repeats collapsed (delta counts depend on chunking). */
export function shape(list: Frame[]): string[] {
  const out: string[] = [];
  for (const f of list) {
    const delta =
      f.event === "content_block_delta" ? `:${(f.data.delta as Record<string, unknown>).type as string}` : "";
    const s = f.event + delta;
    if (out.at(-1) !== s || !delta) out.push(s);
  }
  return out;
}

/**
 * What Claude Code sends after a tool-use answer: the ask, the assistant's thinking and tool_use
 * echoed back (signature included), and the tool's output as a tool_result.
 */
export function toolRoundTrip(
  ask: unknown,
  answer: Summary,
  output: string,
  extra: Record<string, unknown> = {},
): unknown[] {
  const thinking = answer.blocks.find((b) => b.type === "thinking");
  const tool = answer.blocks.find((b) => b.type === "tool_use");
  return [
    ask,
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: thinking?.text ?? "", signature: thinking?.signature ?? "" },
        { type: "tool_use", id: tool?.id ?? "", name: tool?.name ?? "Bash", input: JSON.parse(tool?.text ?? "{}") },
      ],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: tool?.id ?? "", content: output, ...extra }] },
  ];
}

import { describe, expect, test } from "bun:test";
import { ev } from "../../test/helpers/responses-events.ts";
import type { ResponsesEvent } from "../anthropic/types.ts";
import { assembleResponse } from "../responses/assemble-response.ts";
import { ChatStreamTranslator, completionId, responseToChat } from "./responses-to-chat.ts";

/** A chunk as the test reads it (the wire JSON, loosely typed). */
type Chunk = {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  usage?: unknown;
  choices: { index?: number; delta: Delta; logprobs?: null; finish_reason: string | null }[];
};
type Delta = {
  role?: string;
  content?: string;
  refusal?: string | null;
  tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
};

const ids = { id: "chatcmpl-1", created: 1700000000, model: "gpt-5" };

/** Runs a stream through the translator: the chunks as JSON, and whether it ended with [DONE]. */
function stream(events: ResponsesEvent[], includeUsage = false) {
  const t = new ChatStreamTranslator(ids, includeUsage);
  const sse = events.map((e) => t.push(e)).join("");
  const data = sse
    .split("\n\n")
    .filter(Boolean)
    .map((frame) => frame.replace(/^data: /, ""));
  const done = data.at(-1) === "[DONE]";
  const chunks = data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Chunk);
  return { chunks, done, ended: t.done };
}

/** What a client accumulates from the chunks (as the SDKs' stream helpers do). */
function accumulate(chunks: Chunk[]) {
  let content = "";
  let refusal = "";
  let finish: string | null = null;
  let usage: unknown = null;
  const calls: { id: string; name: string; args: string }[] = [];
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) continue;
    content += choice.delta.content ?? "";
    refusal += choice.delta.refusal ?? "";
    for (const t of choice.delta.tool_calls ?? []) {
      const call = (calls[t.index] ??= { id: "", name: "", args: "" });
      call.id += t.id ?? "";
      call.name += t.function?.name ?? "";
      call.args += t.function?.arguments ?? "";
    }
    finish = choice.finish_reason ?? finish;
  }
  return { content, refusal, finish, usage, calls };
}

const refusalEvents: ResponsesEvent[] = [
  ...ev.created(),
  {
    type: "response.output_item.added",
    output_index: 0,
    item: { id: "msg_0", type: "message", role: "assistant", content: [] },
  },
  { type: "response.refusal.delta", item_id: "msg_0", output_index: 0, content_index: 0, delta: "I can't " },
  { type: "response.refusal.delta", item_id: "msg_0", output_index: 0, content_index: 0, delta: "help." },
  {
    type: "response.output_item.done",
    output_index: 0,
    item: { id: "msg_0", type: "message", role: "assistant", content: [{ type: "refusal", refusal: "I can't help." }] },
  },
  ev.completed(),
];

const parallel: ResponsesEvent[] = [
  ...ev.created(),
  ...ev.call(0, "call_a", "get_weather", ['{"city":', '"Paris"}']),
  ...ev.call(1, "call_b", "get_time", ["{}"]),
  ev.completed(ev.usage(40, 12, 8)),
];

/** A function call item, as `output_item.added` (no arguments yet) or `.done` carries it. */
const fc = (i: number, name: string, args = "") => ({
  id: `fc_${i}`,
  type: "function_call",
  call_id: `c${i}`,
  name,
  arguments: args,
});
const added = (i: number, name: string): ResponsesEvent => ({
  type: "response.output_item.added",
  output_index: i,
  item: fc(i, name),
});
const done = (i: number, name: string, args: string): ResponsesEvent => ({
  type: "response.output_item.done",
  output_index: i,
  item: fc(i, name, args),
});
const argDelta = (i: number, delta: string): ResponsesEvent => ({
  type: "response.function_call_arguments.delta",
  item_id: `fc_${i}`,
  output_index: i,
  delta,
});

/** Parallel calls whose argument deltas interleave, and one whose arguments arrive only in its done item. */
const interleaved: ResponsesEvent[] = [
  ...ev.created(),
  added(0, "a"),
  added(1, "b"),
  argDelta(1, '{"y"'),
  argDelta(0, '{"x":1}'),
  done(1, "b", '{"y":2}'),
  done(0, "a", '{"x":1}'),
  done(2, "c", "{}"),
  ev.completed(),
];

type Case = {
  name: string;
  events: ResponsesEvent[];
  want: { content: string | null; refusal?: string | null; finish: string; calls?: [string, string, string][] };
};

const cases: Case[] = [
  {
    name: "text",
    events: [...ev.created(), ...ev.text(0, ["hi ", "there"]), ev.completed()],
    want: { content: "hi there", finish: "stop" },
  },
  {
    name: "reasoning is not shown, text is",
    events: [...ev.created(), ...ev.reasoning(0, [["hmm"]], "enc"), ...ev.text(1, ["ok"]), ev.completed()],
    want: { content: "ok", finish: "stop" },
  },
  {
    name: "one tool call",
    events: [...ev.created(), ...ev.call(0, "call_1", "get_weather", ['{"city":"Paris"}']), ev.completed()],
    want: { content: null, finish: "tool_calls", calls: [["call_1", "get_weather", '{"city":"Paris"}']] },
  },
  {
    name: "parallel tool calls",
    events: parallel,
    want: {
      content: null,
      finish: "tool_calls",
      calls: [
        ["call_a", "get_weather", '{"city":"Paris"}'],
        ["call_b", "get_time", "{}"],
      ],
    },
  },
  {
    name: "parallel calls with interleaved deltas and one without deltas",
    events: interleaved,
    want: {
      content: null,
      finish: "tool_calls",
      calls: [
        ["c0", "a", '{"x":1}'],
        ["c1", "b", '{"y":2}'],
        ["c2", "c", "{}"],
      ],
    },
  },
  { name: "refusal", events: refusalEvents, want: { content: null, refusal: "I can't help.", finish: "stop" } },
  {
    name: "incomplete at the token limit → length",
    events: [...ev.created(), ...ev.text(0, ["cut"]), ev.incomplete("max_output_tokens")],
    want: { content: "cut", finish: "length" },
  },
  {
    name: "incomplete by the content filter → content_filter",
    events: [...ev.created(), ...ev.text(0, ["x"]), ev.incomplete("content_filter")],
    want: { content: "x", finish: "content_filter" },
  },
];

describe("Responses → Chat Completions, streamed", () => {
  for (const c of cases) {
    test(c.name, () => {
      const s = stream(c.events);
      expect(s.done).toBe(true);
      const a = accumulate(s.chunks);
      expect(a.content).toBe(c.want.content ?? "");
      expect(a.refusal).toBe(c.want.refusal ?? "");
      expect(a.finish).toBe(c.want.finish);
      expect(a.calls.map((x) => [x.id, x.name, x.args])).toEqual(c.want.calls ?? []);
      for (const chunk of s.chunks)
        expect([chunk.id, chunk.object, chunk.created, chunk.model]).toEqual([
          "chatcmpl-1",
          "chat.completion.chunk",
          1700000000,
          "gpt-5",
        ]);
    });
  }

  test("the first chunk names the role; the finish chunk has an empty delta", () => {
    const { chunks } = stream([...ev.created(), ...ev.text(0, ["hi"]), ev.completed()]);
    expect(chunks[0]?.choices[0]).toEqual({
      index: 0,
      delta: { role: "assistant", content: "", refusal: null },
      logprobs: null,
      finish_reason: null,
    });
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "stop" });
  });

  test("include_usage: one last chunk with usage and no choices", () => {
    const { chunks } = stream(parallel, true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 40,
        completion_tokens: 12,
        total_tokens: 52,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(stream(parallel).chunks.some((c) => c.usage)).toBe(false);
  });

  test("response.failed: one error chunk, no [DONE], nothing after", () => {
    const t = new ChatStreamTranslator(ids, false);
    const out = [
      ...ev.created(),
      ...ev.text(0, ["par"], { done: false }),
      ev.failed("context_length_exceeded", "too long"),
    ]
      .map((e) => t.push(e))
      .join("");
    expect(out).not.toContain("[DONE]");
    const last = JSON.parse(out.trim().split("\n\n").at(-1)!.slice(6));
    expect(last).toEqual({
      error: { message: "too long", type: "invalid_request_error", param: null, code: "context_length_exceeded" },
    });
    expect(t.done).toBe(true);
    expect(t.push(ev.completed())).toBe("");
  });
});

describe("Responses → Chat Completions, one completion", () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = assembleResponse(c.events);
      if (!r.ok) throw new Error("expected a response");
      const out = responseToChat(r.response, ids);
      const choice = out.choices[0];
      expect(choice.message.content).toBe(c.want.content);
      expect(choice.message.refusal).toBe(c.want.refusal ?? null);
      expect(choice.finish_reason).toBe(c.want.finish as never);
      expect((choice.message.tool_calls ?? []).map((x) => [x.id, x.function.name, x.function.arguments])).toEqual(
        c.want.calls ?? [],
      );
    });
  }

  test("the envelope and usage", () => {
    const r = assembleResponse(parallel);
    if (!r.ok) throw new Error("expected a response");
    const out = responseToChat(r.response, ids);
    expect({ ...out, choices: undefined }).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1700000000,
      model: "gpt-5",
      choices: undefined,
      usage: {
        prompt_tokens: 40,
        completion_tokens: 12,
        total_tokens: 52,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      system_fingerprint: null,
    } as never);
  });

  test("completion ids come from the response id", () => {
    expect(completionId("resp_abc")).toBe("chatcmpl-abc");
    expect(completionId(undefined)).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
  });
});

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSse } from "../sse/index.ts";
import { frames, shape, summarize, type Summary } from "../../test/helpers/anthropic-stream.ts";
import { ev } from "../../test/helpers/responses-events.ts";
import { ANTHROPIC_PING, AnthropicStreamTranslator } from "./responses-to-anthropic.ts";
import { decodeSignature } from "./signature.ts";
import type { ResponsesEvent } from "./types.ts";

const fixtures = join(import.meta.dir, "../../test/fixtures");
const read = (p: string) => readFileSync(join(fixtures, p), "utf8");

/** Real upstream example → events, as the proxy will get them from the SSE parser. */
function upstream(name: string): ResponsesEvent[] {
  return parseSse(read(`responses/${name}`)).map((m) => JSON.parse(m.data) as ResponsesEvent);
}

function translate(
  events: ResponsesEvent[],
  opts: { finish?: boolean; owner?: string; toolNames?: Map<string, string> } = {},
): { sse: string; t: AnthropicStreamTranslator } {
  const t = new AnthropicStreamTranslator({
    model: "claude-opus-4-8",
    inputTokensEstimate: 42,
    owner: opts.owner,
    toolNames: opts.toolNames,
  });
  let sse = "";
  for (const e of events) sse += t.push(e);
  if (opts.finish) sse += t.finish();
  return { sse, t };
}

const run = (events: ResponsesEvent[], opts: Parameters<typeof translate>[1] = {}): Summary =>
  summarize(frames(translate(events, opts).sse));

const blocksOnly = (s: Summary) =>
  s.blocks.map((b) => ({ ...b, id: undefined, signature: b.signature ? "<sig>" : undefined }));

describe("AnthropicStreamTranslator on the real examples", () => {
  test("codex-ok.sse gives the structure of anthropic-ok.sse", () => {
    const got = run(upstream("codex-ok.sse"));
    const want = summarize(frames(read("claude/anthropic-ok.sse")));
    expect(got.events).toEqual(want.events.filter((e) => e !== "ping"));
    expect(got.blocks).toEqual(want.blocks);
    expect(got.stopReason).toBe("end_turn");
    expect(got.usage).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 5,
    });
  });

  test("codex-tool.sse gives the tool part of anthropic-tool.sse (blocks, stop_reason)", () => {
    const got = run(upstream("codex-tool.sse"));
    const want = summarize(frames(read("claude/anthropic-tool.sse")));
    const toolOnly = want.blocks.filter((b) => b.type === "tool_use");
    expect(got.blocks.map((b) => b.type)).toEqual(toolOnly.map((b) => b.type));
    expect(got.blocks[0]).toEqual({
      type: "tool_use",
      id: "call_07fc44aa5cc842ac97fff3cf",
      name: "exec_command",
      text: '{"cmd":"echo tool-ran"}',
    });
    expect(JSON.parse(got.blocks[0]!.text)).toEqual({ cmd: "echo tool-ran" });
    expect(got.stopReason).toBe(want.stopReason);
    // Same frame shape once the example's thinking block (start, thinking, signature, stop) is removed.
    const wantShape = shape(frames(read("claude/anthropic-tool.sse")));
    wantShape.splice(1, 4);
    expect(shape(frames(translate(upstream("codex-tool.sse")).sse))).toEqual(wantShape);
  });

  test("codex-tool.sse with a reasoning item gives the frame shape of anthropic-tool.sse", () => {
    const events = upstream("codex-tool.sse");
    const shifted = events
      .slice(1)
      .map((e) => (typeof e.output_index === "number" ? { ...e, output_index: e.output_index + 1 } : e));
    const stream = [events[0]!, ...ev.reasoning(0, [["I should run echo."]], "enc-1"), ...shifted];
    const got = run(stream);
    const want = summarize(frames(read("claude/anthropic-tool.sse")));
    expect(shape(frames(translate(stream).sse))).toEqual(shape(frames(read("claude/anthropic-tool.sse"))));
    expect(got.blocks.map((b) => b.type)).toEqual(want.blocks.map((b) => b.type));
    expect(got.blocks[0]!.signature).toStartWith("prodex:v1:");
    expect(got.blocks[0]!.text).toBe(want.blocks[0]!.text);
    expect(got.stopReason).toBe("tool_use");
  });

  test("codex-minimal.sse (no added/deltas, no usage) still yields the text", () => {
    const got = run(upstream("codex-minimal.sse"));
    expect(got.events).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(got.blocks).toEqual([{ type: "text", text: "hi from mock" }]);
    expect(got.stopReason).toBe("end_turn");
    // No upstream usage: input falls back to the estimate.
    expect(got.usage).toEqual({
      input_tokens: 42,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
  });

  test("message_start echoes Claude's model and the estimate", () => {
    const [start] = frames(translate(upstream("codex-ok.sse")).sse);
    expect(start!.data).toEqual({
      type: "message_start",
      message: {
        id: "msg_f59660c6ac8a4a0f8048ba9f",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-8",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
  });
});

const cases: {
  name: string;
  events: ResponsesEvent[];
  finish?: boolean;
  blocks: Summary["blocks"];
  stop: unknown;
  error?: unknown;
}[] = [
  {
    name: "text deltas become one text block",
    events: [...ev.created(), ...ev.text(0, ["Hel", "lo", ' "world"\n']), ev.completed()],
    blocks: [{ type: "text", text: 'Hello "world"\n' }],
    stop: "end_turn",
  },
  {
    name: "reasoning summary → thinking block with a prodex signature, then text",
    events: [
      ...ev.created(),
      ...ev.reasoning(0, [["Plan", " it."], ["Then act."]], "gAAAA-enc"),
      ...ev.text(1, ["Done."]),
      ev.completed(),
    ],
    blocks: [
      { type: "thinking", text: "Plan it.\n\nThen act.", signature: "<sig>" },
      { type: "text", text: "Done." },
    ],
    stop: "end_turn",
  },
  {
    name: "reasoning without summary but with encrypted content → empty thinking carrying the signature",
    events: [...ev.created(), ...ev.reasoning(0, [], "enc"), ...ev.text(1, ["ok"]), ev.completed()],
    blocks: [
      { type: "thinking", text: "", signature: "<sig>" },
      { type: "text", text: "ok" },
    ],
    stop: "end_turn",
  },
  {
    name: "reasoning with neither summary nor encrypted content is not shown",
    events: [...ev.created(), ...ev.reasoning(0, []), ...ev.text(1, ["ok"]), ev.completed()],
    blocks: [{ type: "text", text: "ok" }],
    stop: "end_turn",
  },
  {
    name: "text then two tool calls → tool_use stop with input_json_delta",
    events: [
      ...ev.created(),
      ...ev.text(0, ["Running."]),
      ...ev.call(1, "call_a", "Bash", ['{"command":', '"ls"}']),
      ...ev.call(2, "call_b", "Read", ['{"file_path":"/x"}']),
      ev.completed(),
    ],
    blocks: [
      { type: "text", text: "Running." },
      { type: "tool_use", id: undefined, name: "Bash", text: '{"command":"ls"}' },
      { type: "tool_use", id: undefined, name: "Read", text: '{"file_path":"/x"}' },
    ],
    stop: "tool_use",
  },
  {
    name: "tool call whose arguments arrive only in output_item.done",
    events: [
      ...ev.created(),
      ...ev.call(0, "call_a", "Bash", []).slice(0, 1),
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "function_call", call_id: "call_a", name: "Bash", arguments: '{"command":"ls"}' },
      },
      ev.completed(),
    ],
    blocks: [{ type: "tool_use", id: undefined, name: "Bash", text: '{"command":"ls"}' }],
    stop: "tool_use",
  },
  {
    name: "incomplete (max_output_tokens) → max_tokens",
    events: [...ev.created(), ...ev.text(0, ["trunc"], { done: false }), ev.incomplete("max_output_tokens")],
    blocks: [{ type: "text", text: "trunc" }],
    stop: "max_tokens",
  },
  {
    name: "incomplete (content_filter) → refusal",
    events: [...ev.created(), ev.incomplete("content_filter")],
    blocks: [],
    stop: "refusal",
  },
  {
    name: "upstream ends mid-text → finish() closes the block and ends the turn",
    events: [...ev.created(), ...ev.text(0, ["par", "tial"], { done: false })],
    finish: true,
    blocks: [{ type: "text", text: "partial" }],
    stop: "end_turn",
  },
  {
    name: "upstream ends during a tool call → finish() reports tool_use",
    events: [...ev.created(), ...ev.call(0, "call_a", "Bash", ['{"comm'], { done: false })],
    finish: true,
    blocks: [{ type: "tool_use", id: undefined, name: "Bash", text: '{"comm' }],
    stop: "tool_use",
  },
  {
    name: "response.failed mid-stream → error frame with the mapped type",
    events: [
      ...ev.created(),
      ...ev.text(0, ["Hi"], { done: false }),
      ev.failed("usage_limit_reached", "You've hit your usage limit."),
    ],
    blocks: [{ type: "text", text: "Hi" }],
    stop: null,
    error: { type: "rate_limit_error", message: "You've hit your usage limit." },
  },
  {
    name: "error event → error frame",
    events: [...ev.created(), { type: "error", code: "server_is_overloaded", message: "busy" }],
    blocks: [],
    stop: null,
    error: { type: "overloaded_error", message: "busy" },
  },
  {
    name: "context_length_exceeded → invalid_request_error worded for Claude's auto-compact",
    events: [...ev.created(), ev.failed("context_length_exceeded", "Your input exceeds the context window.")],
    blocks: [],
    stop: null,
    error: { type: "invalid_request_error", message: "prompt is too long: Your input exceeds the context window." },
  },
  {
    name: "only a completed response with output (no item events)",
    events: [ev.completed(ev.usage(), [ev.messageItem(0, "from final")])],
    blocks: [{ type: "text", text: "from final" }],
    stop: "end_turn",
  },
  {
    name: "unknown events and hosted tool items are ignored",
    events: [
      ...ev.created(),
      { type: "response.web_search_call.searching", output_index: 0 },
      { type: "response.output_item.done", output_index: 0, item: { type: "web_search_call", id: "ws_1" } },
      ...ev.text(1, ["x"]),
      ev.completed(),
    ],
    blocks: [{ type: "text", text: "x" }],
    stop: "end_turn",
  },
];

describe("AnthropicStreamTranslator mapping", () => {
  for (const c of cases) {
    test(c.name, () => {
      const s = run(c.events, { finish: c.finish });
      expect(blocksOnly(s)).toEqual(c.blocks.map((b) => ({ ...b, id: undefined, signature: b.signature })));
      expect(s.stopReason).toBe(c.stop);
      expect(s.error).toEqual(c.error ?? null);
    });
  }

  test("thinking signature carries the reasoning item's encrypted content and owner", () => {
    const { sse } = translate([...ev.created(), ...ev.reasoning(0, [["t"]], "gAAAA_secret=="), ev.completed()], {
      owner: "p1",
    });
    const sig = summarize(frames(sse)).blocks[0]!.signature;
    expect(decodeSignature(sig)).toEqual({ owner: "p1", encrypted: "gAAAA_secret==" });
  });

  test("tool ids are the upstream call ids and rewritten names map back", () => {
    const s = run([...ev.created(), ...ev.call(0, "call_xyz", "mcp__a_1234abcd", ["{}"]), ev.completed()], {
      toolNames: new Map([["mcp__a_1234abcd", "mcp__a.b"]]),
    });
    expect(s.blocks[0]).toMatchObject({ id: "call_xyz", name: "mcp__a.b" });
  });

  test("usage: cached input is reported as cache_read", () => {
    const s = run([...ev.created(), ...ev.text(0, ["x"]), ev.completed(ev.usage(1000, 50, 800))]);
    expect(s.usage).toEqual({
      input_tokens: 200,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 800,
      output_tokens: 50,
    });
  });

  test("finish() is idempotent and nothing is written after the end", () => {
    const { t } = translate([...ev.created(), ...ev.text(0, ["x"]), ev.completed()]);
    expect(t.done).toBe(true);
    expect(t.finish()).toBe("");
    expect(t.push(ev.text(1, ["late"])[2]!)).toBe("");
    const open = translate([...ev.created()]).t;
    expect(open.finish()).toContain("event: message_stop");
    expect(open.finish()).toBe("");
  });

  test("finish() with no events at all still yields a complete empty message", () => {
    const t = new AnthropicStreamTranslator({ model: "claude-haiku-4-5", messageId: "msg_fixed" });
    const s = summarize(frames(t.finish()));
    expect(s.events).toEqual(["message_start", "message_delta", "message_stop"]);
    expect(frames(t.finish())).toEqual([]);
  });

  test("error() ends the stream with an error frame", () => {
    const { t } = translate([...ev.created(), ...ev.text(0, ["x"], { done: false })]);
    const f = frames(t.error("overloaded_error", "upstream connection lost"));
    expect(f.map((x) => x.event)).toEqual(["error"]);
    expect(t.finish()).toBe("");
  });

  test("hasContent and failure let the proxy retry before any output", () => {
    const { t } = translate([...ev.created(), ev.failed("usage_limit_reached", "limit")]);
    expect(t.hasContent).toBe(false);
    expect(t.failure?.error.type).toBe("rate_limit_error");
    const later = translate([...ev.created(), ...ev.text(0, ["x"], { done: false })]).t;
    expect(later.hasContent).toBe(true);
    expect(later.failure).toBeNull();
  });

  test("ping frame is a valid Anthropic event", () => {
    expect(frames(ANTHROPIC_PING)).toEqual([{ event: "ping", data: { type: "ping" } }]);
  });

  test("pushData parses raw SSE data and skips [DONE] and garbage", () => {
    const t = new AnthropicStreamTranslator({ model: "m" });
    let out = "";
    for (const m of parseSse(read("responses/codex-ok.sse"))) out += t.pushData(m.data);
    expect(t.pushData("[DONE]")).toBe("");
    expect(new AnthropicStreamTranslator({ model: "m" }).pushData("not json")).toBe("");
    expect(summarize(frames(out)).blocks).toEqual([{ type: "text", text: "hi from mock" }]);
  });

  test("interleaved items never interleave blocks", () => {
    const a = ev.text(0, ["A1", "A2"], { done: false });
    const b = ev.call(1, "call_b", "Bash", ['{"x":1}']);
    const s = run([...ev.created(), a[0]!, a[1]!, a[2]!, ...b, a[3]!, ev.completed()]);
    expect(s.blocks.map((x) => [x.type, x.text])).toEqual([
      ["text", "A1"],
      ["tool_use", '{"x":1}'],
      ["text", "A2"],
    ]);
  });
});

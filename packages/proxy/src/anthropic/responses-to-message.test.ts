import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSse } from "../sse/index.ts";
import { ev } from "../../test/helpers/responses-events.ts";
import { collectNonStream, responsesToAnthropicMessage } from "./responses-to-message.ts";
import { decodeSignature } from "./signature.ts";
import type { ResponsesEvent } from "./types.ts";

const upstream = (name: string): ResponsesEvent[] =>
  parseSse(readFileSync(join(import.meta.dir, "../../test/fixtures/responses", name), "utf8")).map(
    (m) => JSON.parse(m.data) as ResponsesEvent,
  );

const usage = (input: number, output: number, cached = 0) => ({
  input_tokens: input - cached,
  output_tokens: output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: cached,
});

describe("collectNonStream (stream:false)", () => {
  test("codex-ok.sse → one text message", () => {
    const r = collectNonStream(upstream("codex-ok.sse"), "claude-opus-4-8");
    expect(r).toEqual({
      ok: true,
      message: {
        id: "msg_f59660c6ac8a4a0f8048ba9f",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-8",
        content: [{ type: "text", text: "hi from mock" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: usage(100, 5),
      },
    });
  });

  test("codex-tool.sse → tool_use with parsed input", () => {
    const r = collectNonStream(upstream("codex-tool.sse"), "claude-opus-4-8");
    if (!r.ok) throw new Error("expected ok");
    expect(r.message.content).toEqual([
      { type: "tool_use", id: "call_07fc44aa5cc842ac97fff3cf", name: "exec_command", input: { cmd: "echo tool-ran" } },
    ]);
    expect(r.message.stop_reason).toBe("tool_use");
  });

  test("codex-minimal.sse (final response has no output) uses the done items", () => {
    const r = collectNonStream(upstream("codex-minimal.sse"), "m", { inputTokensEstimate: 7 });
    if (!r.ok) throw new Error("expected ok");
    expect(r.message.content).toEqual([{ type: "text", text: "hi from mock" }]);
    expect(r.message.usage).toEqual(usage(7, 0));
  });

  test("reasoning + text, items ordered by output_index", () => {
    const events = [
      ...ev.created(),
      ...ev.text(1, ["answer"]),
      ...ev.reasoning(0, [["why"]], "enc"),
      ev.completed(ev.usage(10, 3, 4)),
    ];
    const r = collectNonStream(events, "m", { owner: "p1" });
    if (!r.ok) throw new Error("expected ok");
    expect(r.message.content.map((c) => c.type)).toEqual(["thinking", "text"]);
    const thinking = r.message.content[0];
    expect(thinking?.type === "thinking" && decodeSignature(thinking.signature)).toEqual({
      owner: "p1",
      encrypted: "enc",
    });
    expect(r.message.usage).toEqual(usage(10, 3, 4));
  });

  test("incomplete → max_tokens", () => {
    const r = collectNonStream([...ev.created(), ...ev.text(0, ["x"]), ev.incomplete("max_output_tokens")], "m");
    expect(r.ok && r.message.stop_reason).toBe("max_tokens");
  });

  const failures: [string, ResponsesEvent[], string][] = [
    ["response.failed", [...ev.created(), ev.failed("usage_limit_reached", "limit")], "rate_limit_error"],
    ["error event", [{ type: "error", error: { type: "server_error", message: "x" } }], "api_error"],
    ["stream cut before completion", [...ev.created(), ...ev.text(0, ["x"])], "api_error"],
  ];
  for (const [name, events, type] of failures) {
    test(name, () => {
      const r = collectNonStream(events, "m");
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.error.type).toBe(type as never);
    });
  }
});

describe("responsesToAnthropicMessage", () => {
  test("bad arguments JSON is kept raw; tool names map back; messageId wins", () => {
    const m = responsesToAnthropicMessage(
      {
        id: "resp_1",
        status: "completed",
        output: [
          { type: "function_call", call_id: "c1", name: "t_up", arguments: "{bad" },
          { type: "unknown_item" },
          null,
        ],
      },
      "claude-sonnet-4-5",
      { messageId: "msg_x", toolNames: new Map([["t_up", "t.orig"]]) },
    );
    expect(m.id).toBe("msg_x");
    expect(m.content).toEqual([{ type: "tool_use", id: "c1", name: "t.orig", input: { _raw_arguments: "{bad" } }]);
    expect(m.stop_reason).toBe("tool_use");
  });
});

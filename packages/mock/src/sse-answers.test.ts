import { describe, expect, test } from "bun:test";
import { parseSse, eventTypes } from "./sse-parse.ts";
import { arr, rec } from "./test-support.ts";
import { answerEvents, prewarmEvents, splitText, sseFrame, type ResponsePlan } from "./sse-answers.ts";

const plan = (over: Partial<ResponsePlan> = {}): ResponsePlan => ({
  id: "resp_1",
  model: "gpt-5",
  createdAt: 1,
  answer: { kind: "text", text: "hi from mock" },
  chunks: ["hi from mock"],
  reasoning: null,
  compaction: "blob",
  inputTokens: 100,
  ...over,
});

const exampleTypes = async (name: string) =>
  eventTypes(parseSse(await Bun.file(`/work/shared/protocol/examples/${name}`).text()));

describe("answerEvents", () => {
  test("a text answer has exactly the event sequence of examples/codex-ok.sse", async () => {
    expect(answerEvents(plan()).map((e) => e.type)).toEqual(await exampleTypes("codex-ok.sse"));
  });

  test("a tool answer follows examples/codex-tool.sse (plus response.in_progress)", async () => {
    const types = answerEvents(
      plan({ answer: { kind: "tool", name: "exec_command", arguments: "{}" }, chunks: [] }),
    ).map((e) => e.type);
    expect(types.filter((t) => t !== "response.in_progress")).toEqual(await exampleTypes("codex-tool.sse"));
  });

  test("sequence numbers count up from 0 and completed carries output and usage", () => {
    const events = answerEvents(plan({ chunks: ["hi ", "from ", "mock"] }));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const completed = events.at(-1);
    expect(completed?.type).toBe("response.completed");
    expect(completed?.response).toMatchObject({
      id: "resp_1",
      status: "completed",
      output: [{ type: "message", content: [{ type: "output_text", text: "hi from mock" }] }],
      usage: { input_tokens: 100, output_tokens: 3, total_tokens: 103 },
    });
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual([
      "hi ",
      "from ",
      "mock",
    ]);
  });

  test("reasoning comes first with its encrypted content and a summary delta", () => {
    const events = answerEvents(plan({ reasoning: "ENC" }));
    expect(events[2]).toMatchObject({
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "reasoning" },
    });
    expect(events.some((e) => e.type === "response.reasoning_summary_text.delta")).toBe(true);
    const output = arr(rec(events.at(-1)?.response).output).map(rec);
    expect(output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(output[0]?.encrypted_content).toBe("ENC");
  });

  test("a compaction answer holds exactly one compaction item, even when reasoning is asked for", () => {
    const events = answerEvents(
      plan({ answer: { kind: "compaction" }, chunks: [], reasoning: "ENC", compaction: "CMP" }),
    );
    expect(events.at(-1)?.response).toMatchObject({ output: [{ type: "compaction", encrypted_content: "CMP" }] });
    expect(arr(rec(events.at(-1)?.response).output)).toHaveLength(1);
  });

  test("prewarm: created then completed, no output", () => {
    const events = prewarmEvents({ id: "resp_p", createdAt: 1, model: "gpt-5" });
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.completed"]);
    expect(events[1]?.response).toMatchObject({ id: "resp_p", output: [] });
  });

  test("frames carry an event: line and one data: line", () => {
    expect(sseFrame({ type: "x", a: 1 })).toBe('event: x\ndata: {"type":"x","a":1}\n\n');
  });
});

describe("splitText", () => {
  test.each<{ text: string; chunks?: number; size?: number; want: string[] }>([
    { text: "hello", chunks: undefined, size: undefined, want: ["hello"] },
    { text: "hello", chunks: undefined, size: 2, want: ["he", "ll", "o"] },
    { text: "hello", chunks: 2, size: undefined, want: ["he", "llo"] },
    { text: "hi", chunks: 4, size: undefined, want: ["h", "i", "h", "i"] },
    { text: "ab", chunks: 3, size: 3, want: ["aba", "bab", "aba"] },
    { text: "abcdef", chunks: 1, size: 2, want: ["ab"] },
    { text: "", chunks: 3, size: 2, want: [""] },
  ])("$text in $chunks chunks of $size", ({ text, chunks, size, want }) => {
    expect(splitText(text, chunks, size)).toEqual(want);
  });
});

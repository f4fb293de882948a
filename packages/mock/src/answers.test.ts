import { describe, expect, test } from "bun:test";
import { chooseAnswer, wantsReasoning } from "./answers.ts";
import { responsesBodySchema } from "./request-body.ts";

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const fn = (name: string) => ({ type: "function", name, parameters: {} });
const body = (input: unknown[], tools: unknown[] = []) => responsesBodySchema.parse({ input, tools });

describe("chooseAnswer", () => {
  test.each([
    {
      name: "plain prompt → reply",
      input: [user("say hi")],
      tools: [fn("exec_command")],
      want: { kind: "text", text: "R" },
    },
    {
      name: "tool word without tools → reply",
      input: [user("use the tool")],
      tools: [],
      want: { kind: "text", text: "R" },
    },
    {
      name: "'toolbox' is not the word tool",
      input: [user("open the toolbox")],
      tools: [fn("exec_command")],
      want: { kind: "text", text: "R" },
    },
    {
      name: "Codex shell",
      input: [user("run the TOOL please")],
      tools: [{ type: "namespace", name: "x" }, fn("write_stdin"), fn("exec_command")],
      want: { kind: "tool", name: "exec_command", arguments: '{"cmd":"echo tool-ran"}' },
    },
    {
      name: "Claude Code shell",
      input: [user("tool")],
      tools: [fn("Read"), fn("Bash")],
      want: { kind: "tool", name: "Bash", arguments: '{"command":"echo tool-ran","description":"Echo test"}' },
    },
    {
      name: "first function otherwise",
      input: [user("tool")],
      tools: [{ type: "web_search" }, fn("lookup")],
      want: { kind: "tool", name: "lookup", arguments: "{}" },
    },
    {
      name: "only the last user message counts",
      input: [user("use the tool"), { type: "message", role: "assistant", content: [] }, user("thanks")],
      tools: [fn("exec_command")],
      want: { kind: "text", text: "R" },
    },
    {
      name: "function output → echo it trimmed",
      input: [user("tool"), { type: "function_call_output", call_id: "c", output: "\n  tool-ran \n" }],
      tools: [fn("exec_command")],
      want: { kind: "text", text: "tool said: tool-ran" },
    },
    {
      name: "function output as content parts, cut at 200 chars",
      input: [{ type: "function_call_output", call_id: "c", output: [{ type: "input_text", text: "x".repeat(300) }] }],
      tools: [],
      want: { kind: "text", text: `tool said: ${"x".repeat(200)}` },
    },
    {
      name: "compaction trigger",
      input: [user("tool"), { type: "compaction_trigger" }],
      tools: [fn("exec_command")],
      want: { kind: "compaction" },
    },
    { name: "no input", input: [], tools: [], want: { kind: "text", text: "R" } },
  ])("$name", ({ input, tools, want }) => {
    expect(chooseAnswer(body([...input], [...tools]), "R")).toEqual(want);
  });

  test("reasoning only when encrypted content is included", () => {
    expect(wantsReasoning(responsesBodySchema.parse({ include: ["reasoning.encrypted_content"] }))).toBe(true);
    expect(wantsReasoning(responsesBodySchema.parse({}))).toBe(false);
  });
});

describe("chooseAnswer for OpenAI-compatible clients", () => {
  const parse = (extra: Record<string, unknown>) =>
    responsesBodySchema.parse({ input: [user("describe it")], ...extra });

  test("'parallel tools' calls the first two functions in one answer, unless parallel calls are off", () => {
    const input = [user("use parallel tools now")];
    const tools = [fn("get_weather"), fn("get_time"), fn("third")];
    expect(chooseAnswer(responsesBodySchema.parse({ input, tools }), "R")).toEqual({
      kind: "tools",
      calls: [
        { name: "get_weather", arguments: '{"which":"get_weather"}' },
        { name: "get_time", arguments: '{"which":"get_time"}' },
      ],
    });
    expect(chooseAnswer(responsesBodySchema.parse({ input, tools, parallel_tool_calls: false }), "R")).toEqual({
      kind: "tool",
      name: "get_weather",
      arguments: "{}",
    });
  });

  test("the results of parallel calls are all echoed", () => {
    const out = (o: string) => ({ type: "function_call_output", call_id: o, output: o });
    expect(chooseAnswer(body([user("tool"), out("a"), out("b")]), "R")).toEqual({
      kind: "text",
      text: "tool said: a; b",
    });
  });

  test("a json_schema text format gets JSON that fits the schema", () => {
    const schema = {
      type: "object",
      properties: {
        n: { type: "integer" },
        tags: { type: "array", items: { type: "string" } },
        kind: { enum: ["x", "y"] },
        nested: { type: "object", properties: { ok: { type: "boolean" } } },
      },
    };
    const answer = chooseAnswer(parse({ text: { format: { type: "json_schema", name: "s", schema } } }), "R");
    expect(answer.kind === "text" && JSON.parse(answer.text)).toEqual({
      n: 1,
      tags: ["mock"],
      kind: "x",
      nested: { ok: true },
    });
    expect(chooseAnswer(parse({ text: { format: { type: "text" } } }), "R")).toEqual({ kind: "text", text: "R" });
  });
});

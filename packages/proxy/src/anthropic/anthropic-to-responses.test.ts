import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { anthropicToResponses, type TranslateOk, type TranslateOptions } from "./anthropic-to-responses.ts";
import { encodeSignature } from "./signature.ts";
import { upstreamToolName } from "./tool-names.ts";
import type { ResponsesInputItem } from "./types.ts";

const fixtures = join(import.meta.dir, "../../test/fixtures/claude");
type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as Json;

function ok(input: unknown, opts: TranslateOptions = {}): TranslateOk {
  const r = anthropicToResponses(input, opts);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error.message}`);
  return r;
}

/** A minimal request around `messages`; the rest of a real request is tested on the captures. */
const req = (messages: unknown[], extra: Json = {}): Json => ({
  model: "claude-opus-4-8",
  max_tokens: 1000,
  messages,
  ...extra,
});

const toolUse = (id: string, name = "Bash", input: unknown = { command: "ls" }) => ({
  type: "tool_use",
  id,
  name,
  input,
});
const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });
const png = { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" };

describe("anthropicToResponses on real Claude Code 2.1.197 requests", () => {
  test("run1: system, mid-conversation system, tools, effort, cache key", () => {
    const body = load("run1-messages-body.json");
    const r = ok(body);
    const system = body.system as { text: string }[];
    expect(r.body.instructions).toBe(
      system
        .slice(1)
        .map((b) => b.text)
        .join("\n"),
    );
    expect(r.body.instructions).not.toContain("x-anthropic-billing-header");
    const [first, second] = r.body.input;
    expect(first).toEqual({
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: ((body.messages as Json[])[0]!.content as Json[])[0]!.text as string },
        { type: "input_text", text: "say hi" },
      ],
    });
    // The mid-conversation system message stays at its position as a developer message.
    expect(second).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: (body.messages as Json[])[1]!.content as string }],
    });
    expect(r.body.input).toHaveLength(2);
    const tools = body.tools as { name: string; description: string; input_schema: Json }[];
    expect(r.body.tools).toHaveLength(25);
    expect(r.body.tools[1]).toEqual({
      type: "function",
      name: "Bash",
      description: tools[1]!.description,
      parameters: tools[1]!.input_schema,
      strict: false,
    });
    expect(r.body).toMatchObject({
      model: "gpt-5",
      tool_choice: "auto",
      parallel_tool_calls: true,
      reasoning: { effort: "high", summary: "auto" },
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "4b3763c8-3125-4a38-9ce9-f6e5dc7ac9cc",
    });
    expect(r.body.max_output_tokens).toBeUndefined();
    expect(r.model).toEqual({ model: "gpt-5", family: "opus" });
    expect(r.stream).toBe(true);
    expect(r.notes).toEqual([]);
    expect(r.toolNames.size).toBe(0);
  });

  test("run3 turn 2: tool round trip; Anthropic's own thinking signature is dropped", () => {
    const r = ok(load("run3-tool-turn2.json"));
    expect(r.body.input.slice(2)).toEqual([
      {
        type: "function_call",
        call_id: "toolu_61dd2e3a3652475d88722ef3",
        name: "Bash",
        arguments: '{"command":"echo tool-ran","description":"Echo test"}',
      },
      { type: "function_call_output", call_id: "toolu_61dd2e3a3652475d88722ef3", output: "tool-ran" },
    ]);
    expect(r.body.input.some((i) => i.type === "reasoning")).toBe(false);
    expect(JSON.stringify(r.body)).not.toContain("bW9jay1zaWduYXR1cmU=");
    expect(r.notes).toEqual(["1 thinking block(s) with a foreign signature dropped"]);
    expect(r.reasoningOwner).toBeNull();
  });

  test("run3 turn 2 with a prodex signature: the reasoning item goes back upstream", () => {
    const body = load("run3-tool-turn2.json");
    const msgs = body.messages as Json[];
    const thinking = (msgs[2]!.content as Json[])[0]!;
    thinking.signature = encodeSignature("gAAAAB-enc==", "p1");
    for (const owner of [undefined, "p1"]) {
      const r = ok(body, { owner });
      expect(r.body.input.slice(2, 4)).toEqual([
        {
          type: "reasoning",
          summary: [{ type: "summary_text", text: "I should run echo." }],
          encrypted_content: "gAAAAB-enc==",
        },
        {
          type: "function_call",
          call_id: "toolu_61dd2e3a3652475d88722ef3",
          name: "Bash",
          arguments: '{"command":"echo tool-ran","description":"Echo test"}',
        },
      ]);
      expect(r.reasoningOwner).toBe("p1");
    }
    // Another account cannot decrypt it: dropped.
    const other = ok(body, { owner: "p2" });
    expect(other.body.input.some((i) => i.type === "reasoning")).toBe(false);
  });

  test("stream:false is reported; upstream stays streamed", () => {
    const body = { ...load("run1-messages-body.json"), stream: false };
    const r = ok(body);
    expect(r.stream).toBe(false);
    expect(r.body.stream).toBe(true);
  });
});

type Case = {
  name: string;
  input: Json;
  opts?: TranslateOptions;
  input_items?: ResponsesInputItem[];
  check?: (r: TranslateOk) => void;
  notes?: string[];
};

const cases: Case[] = [
  {
    name: "string content and assistant history",
    input: req([user("hi"), assistant("hello"), user([{ type: "text", text: "again" }])]),
    input_items: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "again" }] },
    ],
  },
  {
    name: "system as a string → instructions",
    input: req([user("hi")], { system: "Be brief." }),
    check: (r) => expect(r.body.instructions).toBe("Be brief."),
  },
  {
    name: "systemAs developer → first input item",
    input: req([user("hi")], { system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }] }),
    opts: { systemAs: "developer" },
    check: (r) => {
      expect(r.body.instructions).toBeUndefined();
      expect(r.body.input[0]).toEqual({
        type: "message",
        role: "developer",
        content: [{ type: "input_text", text: "Be brief." }],
      });
    },
  },
  {
    name: "mid-conversation system with text blocks",
    input: req([
      user("a"),
      {
        role: "system",
        content: [
          { type: "text", text: "s1" },
          { type: "text", text: "s2" },
        ],
      },
      user("b"),
    ]),
    input_items: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "a" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "s1\ns2" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "b" }] },
    ],
  },
  {
    name: "images: base64 → data URL, url → url, file → note",
    input: req([
      user([
        { type: "image", source: png },
        { type: "image", source: { type: "url", url: "https://x/y.png" } },
        { type: "image", source: { type: "file", file_id: "f1" } },
      ]),
    ]),
    input_items: [
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
          { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
          { type: "input_text", text: "[image (file source) omitted: not supported by prodex]" },
        ],
      },
    ],
    notes: ["image with a file source replaced by a note"],
  },
  {
    name: "tool_result array with text and image; is_error; text after results",
    input: req([
      user("go"),
      assistant([{ type: "text", text: "Let me look." }, toolUse("t1", "Read"), toolUse("t2")]),
      user([
        {
          type: "tool_result",
          tool_use_id: "t1",
          content: [
            { type: "text", text: "line1" },
            { type: "image", source: png },
            { type: "text", text: "line2" },
          ],
        },
        { type: "tool_result", tool_use_id: "t2", content: "boom", is_error: true },
        { type: "text", text: "continue" },
      ]),
    ]),
    input_items: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me look." }] },
      { type: "function_call", call_id: "t1", name: "Read", arguments: '{"command":"ls"}' },
      { type: "function_call", call_id: "t2", name: "Bash", arguments: '{"command":"ls"}' },
      { type: "function_call_output", call_id: "t1", output: "line1\nline2" },
      { type: "function_call_output", call_id: "t2", output: "Error: boom" },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "Images returned by tool call t1:" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "continue" }] },
    ],
  },
  {
    name: "tool_result with no content and unknown parts",
    input: req([
      assistant([toolUse("t1")]),
      user([{ type: "tool_result", tool_use_id: "t1" }]),
      assistant([toolUse("t2")]),
      user([{ type: "tool_result", tool_use_id: "t2", content: [{ type: "search_result", source: "x" }] }]),
    ]),
    input_items: [
      { type: "function_call", call_id: "t1", name: "Bash", arguments: '{"command":"ls"}' },
      { type: "function_call_output", call_id: "t1", output: "" },
      { type: "function_call", call_id: "t2", name: "Bash", arguments: '{"command":"ls"}' },
      { type: "function_call_output", call_id: "t2", output: "[search_result omitted]" },
    ],
    notes: ["search_result block in a tool_result replaced by a note"],
  },
  {
    name: "tool_result without its tool_use → user text; tool_use without result → placeholder",
    input: req([
      user([{ type: "tool_result", tool_use_id: "gone", content: "old" }]),
      assistant([toolUse("t9")]),
      user("next"),
    ]),
    input_items: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "[Result of tool call gone]\nold" }] },
      { type: "function_call", call_id: "t9", name: "Bash", arguments: '{"command":"ls"}' },
      { type: "function_call_output", call_id: "t9", output: "No result was recorded for this tool call." },
      { type: "message", role: "user", content: [{ type: "input_text", text: "next" }] },
    ],
    notes: [
      "tool_result without a matching tool_use sent as text",
      "tool_use without a tool_result answered with a placeholder",
    ],
  },
  {
    name: "documents: text source inline, pdf → note; unknown blocks skipped",
    input: req([
      user([
        { type: "document", source: { type: "text", media_type: "text/plain", data: "doc body" }, title: "notes" },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
        { type: "server_tool_use", id: "s1", name: "web_search", input: {} },
      ]),
    ]),
    input_items: [
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: '[document "notes"]\ndoc body' },
          { type: "input_text", text: "[document (application/pdf) omitted: documents are not supported by prodex]" },
        ],
      },
    ],
    notes: ["document block replaced by a note", "server_tool_use block in a user message skipped"],
  },
  {
    name: "redacted thinking and thinking without signature are dropped",
    input: req([
      user("a"),
      assistant([
        { type: "redacted_thinking", data: "xx" },
        { type: "thinking", thinking: "t" },
        { type: "text", text: "b" },
      ]),
    ]),
    input_items: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "a" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "b" }] },
    ],
    notes: ["2 thinking block(s) with a foreign signature dropped"],
  },
  {
    name: "server tools are skipped with a note",
    input: req([user("a")], {
      tools: [
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
        { name: "Bash", input_schema: { type: "object" } },
      ],
    }),
    check: (r) => expect(r.body.tools.map((t) => t.name)).toEqual(["Bash"]),
    notes: ["server tool web_search (web_search_20250305) skipped"],
  },
  {
    name: "long tool names are rewritten consistently",
    input: req(
      [
        assistant([toolUse("t1", `mcp__server__${"x".repeat(70)}`)]),
        user([{ type: "tool_result", tool_use_id: "t1", content: "ok" }]),
      ],
      {
        tools: [{ name: `mcp__server__${"x".repeat(70)}`, input_schema: { type: "object" } }],
      },
    ),
    check: (r) => {
      const up = upstreamToolName(`mcp__server__${"x".repeat(70)}`);
      expect(up.length).toBeLessThanOrEqual(64);
      expect(r.body.tools[0]!.name).toBe(up);
      expect(r.body.input[0]).toMatchObject({ type: "function_call", name: up });
      expect(r.toolNames.get(up)).toBe(`mcp__server__${"x".repeat(70)}`);
    },
  },
  {
    name: "max_tokens only when asked; sampling settings dropped",
    input: req([user("a")], { temperature: 0.2, stop_sequences: ["X"] }),
    opts: { sendMaxTokens: true },
    check: (r) => expect(r.body.max_output_tokens).toBe(1000),
    notes: ["sampling settings dropped (reasoning models fix them)", "stop_sequences dropped (not supported upstream)"],
  },
  {
    name: "older user_id format gives the cache key; option overrides",
    input: req([user("a")], {
      metadata: { user_id: "user_abc_account__session_0b1c2d3e-aaaa-bbbb-cccc-0123456789ab" },
    }),
    check: (r) => expect(r.body.prompt_cache_key).toBe("0b1c2d3e-aaaa-bbbb-cccc-0123456789ab"),
  },
  {
    name: "prompt cache key option wins",
    input: req([user("a")], { metadata: { user_id: "{}" } }),
    opts: { promptCacheKey: "k1" },
    check: (r) => expect(r.body.prompt_cache_key).toBe("k1"),
  },
  {
    name: "pass-through model and custom model config",
    input: { ...req([user("a")]), model: "claude-haiku-4-5-20251001" },
    opts: { models: { opus: "o", sonnet: "s", haiku: "h", default: "d" } },
    check: (r) => expect(r.model).toEqual({ model: "h", family: "haiku" }),
  },
];

describe("anthropicToResponses mapping rules", () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = ok(c.input, c.opts);
      if (c.input_items) expect(r.body.input).toEqual(c.input_items);
      c.check?.(r);
      expect(r.notes).toEqual(c.notes ?? []);
    });
  }
});

const choiceTools = { tools: [{ name: "Bash", input_schema: { type: "object" } }] };
const choices: [string, unknown, Json, unknown, boolean?][] = [
  ["absent → auto", undefined, choiceTools, "auto"],
  ["auto", { type: "auto" }, choiceTools, "auto"],
  ["any → required", { type: "any" }, choiceTools, "required"],
  ["none", { type: "none" }, choiceTools, "none"],
  ["tool → function", { type: "tool", name: "Bash" }, choiceTools, { type: "function", name: "Bash" }],
  ["tool naming an unknown tool → required", { type: "tool", name: "Nope" }, choiceTools, "required"],
  ["any without tools → auto", { type: "any" }, {}, "auto"],
  ["disable_parallel_tool_use", { type: "auto", disable_parallel_tool_use: true }, choiceTools, "auto", false],
];

describe("tool_choice", () => {
  for (const [name, choice, extra, want, parallel = true] of choices) {
    test(name, () => {
      const r = ok(req([user("a")], { ...extra, tool_choice: choice }));
      expect(r.body.tool_choice).toEqual(want as never);
      expect(r.body.parallel_tool_calls).toBe(parallel);
    });
  }
});

const invalid: [string, unknown, string][] = [
  ["not an object", "hello", "(body)"],
  ["null", null, "(body)"],
  ["no messages", { model: "claude-opus-4-8" }, "messages"],
  ["bad role", req([{ role: "tool", content: "x" }]), "messages.0.role"],
  ["text block without text", req([user([{ type: "text" }])]), "messages.0.content.0.text"],
  ["tool_use without id", req([assistant([{ type: "tool_use", name: "x", input: {} }])]), "messages.0.content.0.id"],
  ["model not a string", { model: 5, messages: [] }, "model"],
];

describe("untranslatable input gives a typed error, never a throw", () => {
  for (const [name, input, where] of invalid) {
    test(name, () => {
      const r = anthropicToResponses(input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe("TranslateError");
      expect(r.error.code).toBe("invalid_request");
      expect(r.error.where).toBe(where);
      expect(r.error.message).toStartWith(`Invalid Messages request at ${where}: `);
      expect(r.error.message).not.toContain("\n");
    });
  }
});

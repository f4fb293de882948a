import { createHash } from "node:crypto";
import { type ApiLabel, TranslateError, fromZodError } from "../anthropic/translate-error.ts";
import type {
  InputImage,
  InputText,
  OutputText,
  ResponsesInputItem,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesTool,
  ResponsesToolChoice,
} from "../anthropic/types.ts";
import { ChatRequest, type ChatContent, type ChatMessage } from "./chat-types.ts";
import { CHATGPT_PARAMS, type UpstreamParams, unsupportedFields } from "./upstream-params.ts";

export const CHAT_API: ApiLabel = {
  name: "Chat Completions",
  hint: "Check that the client speaks the OpenAI Chat Completions API.",
};

export type ChatTranslateOk = {
  ok: true;
  body: ResponsesRequest;
  /** The model the client named (echoed back in every chunk). */
  model: string;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with usage and no choices. */
  includeUsage: boolean;
  /** What was degraded or dropped, one short line each (for the runtime log; no content). */
  notes: string[];
};

export type ChatTranslateResult = ChatTranslateOk | { ok: false; error: TranslateError };

/** Chat Completions request → Responses request (always streamed upstream). Never throws. */
export function chatToResponses(input: unknown, accepts: UpstreamParams = CHATGPT_PARAMS): ChatTranslateResult {
  const parsed = ChatRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error, CHAT_API) };
  const req = parsed.data;
  if (req.n != null && req.n > 1) {
    const message = `n=${req.n} is not supported: prodex answers one choice per request. Send n=1 (or omit it) and make several requests for several choices.`;
    return { ok: false, error: new TranslateError(message, "n") };
  }
  try {
    return translate(req, accepts);
  } catch (cause) {
    // Defensive: a translation bug must become a clear 400, never a crashed proxy.
    return {
      ok: false,
      error: new TranslateError("Could not translate the Chat Completions request; please report this.", "(body)", {
        cause,
      }),
    };
  }
}

function translate(req: ChatRequest, accepts: UpstreamParams): ChatTranslateOk {
  const notes = new Notes();
  const instructions: string[] = [];
  const input: ResponsesInputItem[] = [];
  for (const m of req.messages) {
    // Leading system/developer messages are the instructions; later ones stay where they were said.
    if ((m.role === "system" || m.role === "developer") && input.length === 0)
      instructions.push(text(m.content, notes));
    else message(m, input, notes);
  }
  const tools: ResponsesTool[] = [];
  for (const t of req.tools ?? []) {
    if (t.type !== "function") {
      notes.add(`${t.original} tool dropped (only function tools are translated)`);
      continue;
    }
    const f = t.function;
    tools.push({
      type: "function",
      name: f.name,
      description: f.description ?? "",
      parameters: f.parameters ?? { type: "object", properties: {} },
      strict: f.strict ?? false,
    });
  }
  const body: ResponsesRequest = {
    model: req.model,
    input,
    tools,
    tool_choice: toolChoice(req.tool_choice, notes),
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    reasoning: req.reasoning_effort ? { effort: req.reasoning_effort } : {},
    store: false,
    stream: true,
  };
  const system = instructions.filter(Boolean).join("\n\n");
  if (system) body.instructions = system;
  const format = textFormat(req.response_format);
  if (format) body.text = { format };
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) body.max_output_tokens = max;
  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.top_p = req.top_p;
  for (const { field, note } of unsupportedFields(body, accepts)) {
    delete body[field as keyof ResponsesRequest];
    notes.add(note);
  }
  body.prompt_cache_key = req.prompt_cache_key ?? conversationKey(body);
  if (req.stop != null) notes.add("stop dropped (not supported upstream)");
  return {
    ok: true,
    body,
    model: req.model,
    stream: req.stream === true,
    includeUsage: req.stream_options?.include_usage === true,
    notes: notes.list,
  };
}

/**
 * Chat Completions has no conversation id, and every turn resends the history. Its start (model,
 * instructions, first input item) is the same on every turn of one conversation, so its hash names
 * the conversation: as the prompt cache key it keeps the turns on one account (a `prompt_cache_key`
 * binding) and upstream's prompt cache warm.
 */
export function conversationKey(body: Pick<ResponsesRequest, "model" | "instructions" | "input">): string {
  const start = JSON.stringify([body.model, body.instructions ?? "", body.input[0] ?? null]);
  return `chat-${createHash("sha256").update(start).digest("base64url").slice(0, 32)}`;
}

function message(m: ChatMessage, out: ResponsesInputItem[], notes: Notes): void {
  switch (m.role) {
    case "system":
    case "developer":
      out.push({ type: "message", role: "developer", content: [inputText(text(m.content, notes))] });
      return;
    case "user":
      out.push({ type: "message", role: "user", content: userParts(m.content, notes) });
      return;
    case "assistant": {
      const said = text(m.content, notes) || (m.refusal ?? "");
      if (said) out.push({ type: "message", role: "assistant", content: [outputText(said)] });
      for (const call of m.tool_calls ?? [])
        out.push({
          type: "function_call",
          call_id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        });
      return;
    }
    case "tool":
      out.push({ type: "function_call_output", call_id: m.tool_call_id, output: text(m.content, notes) });
      return;
  }
}

/** Text of a content (string, or its text and refusal parts); images and others are noted. */
function text(content: ChatContent, notes: Notes): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  let out = "";
  for (const p of content) {
    if (p.type === "text") out += p.text;
    else if (p.type === "refusal") out += p.refusal;
    else notes.add(`${p.type === "other" ? p.original : p.type} part dropped outside a user message`);
  }
  return out;
}

function userParts(content: ChatContent, notes: Notes): (InputText | InputImage)[] {
  if (content == null) return [inputText("")];
  if (typeof content === "string") return [inputText(content)];
  const parts: (InputText | InputImage)[] = [];
  for (const p of content) {
    if (p.type === "text") parts.push(inputText(p.text));
    else if (p.type === "refusal") parts.push(inputText(p.refusal));
    else if (p.type === "image_url")
      parts.push({
        type: "input_image",
        image_url: typeof p.image_url === "string" ? p.image_url : p.image_url.url,
        detail: "auto",
      });
    else notes.add(`${p.original} part dropped (not translated)`);
  }
  return parts.length ? parts : [inputText("")];
}

function toolChoice(choice: ChatRequest["tool_choice"], notes: Notes): ResponsesToolChoice {
  if (choice == null) return "auto";
  if (typeof choice === "string") return choice;
  if (choice.type === "other") {
    notes.add(`tool_choice ${choice.original} sent as auto (not translated)`);
    return "auto";
  }
  return { type: "function", name: choice.function.name };
}

function textFormat(format: ChatRequest["response_format"]): ResponsesTextFormat | null {
  if (!format || format.type === "text") return null;
  if (format.type === "json_object") return { type: "json_object" };
  const s = format.json_schema;
  const out: ResponsesTextFormat = {
    type: "json_schema",
    name: s.name,
    schema: s.schema ?? {},
    strict: s.strict ?? false,
  };
  if (s.description) out.description = s.description;
  return out;
}

function inputText(t: string): InputText {
  return { type: "input_text", text: t };
}

function outputText(t: string): OutputText {
  return { type: "output_text", text: t };
}

class Notes {
  list: string[] = [];
  add(line: string): void {
    if (!this.list.includes(line)) this.list.push(line);
  }
}

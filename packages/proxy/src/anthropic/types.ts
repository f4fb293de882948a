import { z } from "zod";

// ---- Anthropic Messages request (lenient: unknown fields pass through, unknown block types are kept as "unknown") ----

const CacheControl = z.looseObject({ type: z.string() }).optional();

export const TextBlock = z.looseObject({ type: z.literal("text"), text: z.string(), cache_control: CacheControl });

export const ImageSource = z.union([
  z.looseObject({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal("url"), url: z.string() }),
  z.looseObject({ type: z.string() }), // e.g. {type:"file", file_id}: degraded to a note
]);

export const ImageBlock = z.looseObject({ type: z.literal("image"), source: ImageSource, cache_control: CacheControl });

export const DocumentBlock = z.looseObject({
  type: z.literal("document"),
  source: z.looseObject({ type: z.string(), media_type: z.string().optional(), data: z.unknown().optional() }),
  title: z.string().nullish(),
});

/** Blocks inside a tool_result's content array; other types (document, search_result…) become notes. */
export const ToolResultPart = z.union([
  z.discriminatedUnion("type", [TextBlock, ImageBlock]),
  z
    .looseObject({ type: z.string().refine((t) => t !== "text" && t !== "image", "malformed block") })
    .transform((raw) => ({ type: "other" as const, original: raw.type })),
]);

export const ToolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});

export const ToolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(ToolResultPart)]).nullish(),
  is_error: z.boolean().nullish(),
});

export const ThinkingBlock = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
});

export const RedactedThinkingBlock = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string().optional(),
});

const KNOWN_BLOCKS = new Set(["text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"]);

/** Any other block type (server_tool_use, search_result, …): kept so the translator can skip it with a note. */
export const UnknownBlock = z
  .looseObject({ type: z.string().refine((t) => !KNOWN_BLOCKS.has(t), "malformed block") })
  .transform((raw) => ({ type: "unknown" as const, original: raw.type }));

export const ContentBlock = z.union([
  z.discriminatedUnion("type", [
    TextBlock,
    ImageBlock,
    DocumentBlock,
    ToolUseBlock,
    ToolResultBlock,
    ThinkingBlock,
    RedactedThinkingBlock,
  ]),
  UnknownBlock,
]);

export const Message = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(ContentBlock)]),
});

export const Tool = z.looseObject({
  name: z.string(),
  type: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()).nullish(),
});

export const ToolChoice = z.looseObject({
  type: z.enum(["auto", "any", "none", "tool"]),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

export const Thinking = z.looseObject({
  type: z.string(), // "enabled" | "adaptive" | "disabled" (kept open for new modes)
  budget_tokens: z.number().optional(),
});

export const SystemBlock = z.looseObject({ type: z.string(), text: z.string().optional() });

export const AnthropicRequest = z.looseObject({
  model: z.string(),
  messages: z.array(Message),
  system: z.union([z.string(), z.array(SystemBlock)]).nullish(),
  tools: z.array(Tool).nullish(),
  tool_choice: ToolChoice.nullish(),
  thinking: Thinking.nullish(),
  output_config: z.looseObject({ effort: z.string().optional() }).nullish(),
  max_tokens: z.number().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
});

export type AnthropicRequest = z.output<typeof AnthropicRequest>;
export type AnthropicMessage = z.output<typeof Message>;
export type AnthropicBlock = z.output<typeof ContentBlock>;
export type AnthropicTool = z.output<typeof Tool>;
export type AnthropicToolChoice = z.output<typeof ToolChoice>;
export type ToolResultPart = z.output<typeof ToolResultPart>;

// ---- Anthropic responses (what we emit to Claude Code) ----

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | "pause_turn";

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

export type AnthropicContent =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

export type AnthropicMessageBody = {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContent[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
};

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export type AnthropicErrorBody = { type: "error"; error: { type: AnthropicErrorType; message: string } };

// ---- OpenAI Responses request (what we send upstream) ----

export type InputText = { type: "input_text"; text: string };
export type InputImage = { type: "input_image"; image_url: string; detail: "auto" };
export type OutputText = { type: "output_text"; text: string };

export type ResponsesInputItem =
  | { type: "message"; role: "user" | "developer"; content: (InputText | InputImage)[] }
  | { type: "message"; role: "assistant"; content: OutputText[] }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string }
  | { type: "reasoning"; summary: { type: "summary_text"; text: string }[]; encrypted_content: string };

export type ResponsesTool = {
  type: "function";
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict: boolean;
};

export type ResponsesToolChoice = "auto" | "required" | "none" | { type: "function"; name: string };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export type ResponsesReasoning = { effort?: ReasoningEffort; summary?: "auto" };

/** Structured output (`text.format`): what Chat Completions' `response_format` becomes. */
export type ResponsesTextFormat =
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict: boolean; description?: string };

export type ResponsesRequest = {
  model: string;
  instructions?: string;
  input: ResponsesInputItem[];
  tools: ResponsesTool[];
  tool_choice: ResponsesToolChoice;
  parallel_tool_calls: boolean;
  reasoning: ResponsesReasoning;
  store: false;
  stream: true;
  include?: string[];
  text?: { format: ResponsesTextFormat };
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  prompt_cache_key?: string;
};

// ---- OpenAI Responses stream (what we read back) ----

/**
 * One parsed upstream SSE `data:` object. Upstream is untrusted, so fields are read defensively
 * (`@prodex/guards`: `asRecord`, `asString`, …) instead of being validated per event.
 */
export type ResponsesEvent = { type: string; [field: string]: unknown };

/** The `response` object of response.completed / incomplete / failed (fields read defensively). */
export type ResponsesObject = { [field: string]: unknown };

import { z } from "zod";

// ---- Chat Completions request (lenient: unknown fields are ignored; wrong types are refused) ----

const TextPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const ImagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.union([z.string(), z.looseObject({ url: z.string(), detail: z.string().nullish() })]),
});
const RefusalPart = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
const KNOWN_PARTS = new Set(["text", "image_url", "refusal"]);
/** input_audio, file, …: kept so the translator can skip them with a note. */
const OtherPart = z
  .looseObject({ type: z.string().refine((t) => !KNOWN_PARTS.has(t), "malformed content part") })
  .transform((raw) => ({ type: "other" as const, original: raw.type }));
const Part = z.union([z.discriminatedUnion("type", [TextPart, ImagePart, RefusalPart]), OtherPart]);

const Content = z.union([z.string(), z.array(Part)]).nullish();

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const Message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: Content }),
  z.looseObject({ role: z.literal("developer"), content: Content }),
  z.looseObject({ role: z.literal("user"), content: Content }),
  z.looseObject({
    role: z.literal("assistant"),
    content: Content,
    refusal: z.string().nullish(),
    tool_calls: z.array(ToolCall).nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), tool_call_id: z.string(), content: Content }),
]);

const FunctionTool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string(),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});
/** Custom (freeform) tools and future kinds: dropped with a note. */
const OtherTool = z
  .looseObject({ type: z.string().refine((t) => t !== "function", "malformed function tool") })
  .transform((raw) => ({ type: "other" as const, original: raw.type }));

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  /** allowed_tools, custom, …: the model chooses (with a note). */
  z
    .looseObject({ type: z.string().refine((t) => t !== "function", "malformed function tool choice") })
    .transform((raw) => ({ type: "other" as const, original: raw.type })),
]);

const ResponseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const Tokens = z.number().int().positive().nullish();

export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1, "at least one message is required"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(z.union([FunctionTool, OtherTool])).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormat.nullish(),
  max_tokens: Tokens,
  max_completion_tokens: Tokens,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
  n: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  prompt_cache_key: z.string().nullish(),
});

export type ChatRequest = z.output<typeof ChatRequest>;
export type ChatMessage = ChatRequest["messages"][number];
export type ChatPart = z.output<typeof Part>;
export type ChatContent = z.output<typeof Content>;

// ---- Chat Completions answers (what the proxy writes) ----

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export type ChatUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
};

export type ChatToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };

export type ChatCompletion = {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: {
        role: "assistant";
        content: string | null;
        refusal: string | null;
        tool_calls?: ChatToolCall[];
        annotations: [];
      };
      logprobs: null;
      finish_reason: FinishReason;
    },
  ];
  usage: ChatUsage;
  system_fingerprint: null;
};

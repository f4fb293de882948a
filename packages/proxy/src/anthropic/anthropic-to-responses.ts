import { DEFAULT_MODELS, mapEffort, mapModel, type MappedModel, type ModelConfig } from "./model-map.ts";
import { decodeSignature } from "./signature.ts";
import { rememberToolName } from "./tool-names.ts";
import { TranslateError, fromZodError } from "./translate-error.ts";
import {
  AnthropicRequest,
  type AnthropicBlock,
  type AnthropicMessage,
  type AnthropicTool,
  type InputImage,
  type InputText,
  type OutputText,
  type ResponsesInputItem,
  type ResponsesRequest,
  type ResponsesTool,
  type ResponsesToolChoice,
  type ToolResultPart,
} from "./types.ts";

export type TranslateOptions = {
  models?: ModelConfig;
  /** Owner tag of the account that will serve the request; prodex thinking signatures of other owners are dropped. Unset: accept any owner. */
  owner?: string;
  /**
   * Where the Claude system prompt goes. "instructions" (default) per the protocol notes; "developer"
   * puts it first in `input` as a developer message, which is what Codex CLI 0.169 itself does (it sends
   * no top-level instructions).
   */
  systemAs?: "instructions" | "developer";
  /** Send `max_tokens` as `max_output_tokens`. Off by default: Codex CLI never sends it and the ChatGPT backend is not known to accept it. */
  sendMaxTokens?: boolean;
  /** Overrides the prompt cache key (default: Claude's session id from `metadata.user_id`). */
  promptCacheKey?: string;
};

export type TranslateOk = {
  ok: true;
  body: ResponsesRequest;
  model: MappedModel;
  /** Claude asked for a stream (`stream:true`); upstream is always streamed. */
  stream: boolean;
  /** Rewritten tool names, upstream → Claude (pass to the stream translator). */
  toolNames: Map<string, string>;
  /** Owner tag of the newest prodex thinking signature in the history: the account that owns this conversation. */
  reasoningOwner: string | null;
  /** What was degraded or skipped, one short line each (for logs/events; no content). */
  notes: string[];
};

export type TranslateResult = TranslateOk | { ok: false; error: TranslateError };

/** Text Claude Code puts first in `system`; it is metadata for Anthropic's billing, not an instruction, and its hash varies per session. */
const BILLING_HEADER = "x-anthropic-billing-header:";

const NO_RESULT = "No result was recorded for this tool call.";

/** Claude Messages request → OpenAI Responses request. Never throws; invalid shapes give `{ok:false}`. */
export function anthropicToResponses(input: unknown, opts: TranslateOptions = {}): TranslateResult {
  const parsed = AnthropicRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error) };
  try {
    return translate(parsed.data, opts);
  } catch (cause) {
    // Defensive: a translation bug must become a clear 400, never a crashed proxy.
    return {
      ok: false,
      error: new TranslateError("Could not translate the Messages request; please report this.", "(body)", { cause }),
    };
  }
}

function translate(req: AnthropicRequest, opts: TranslateOptions): TranslateOk {
  const ctx = new Context(opts.owner);
  const model = mapModel(req.model, opts.models ?? DEFAULT_MODELS);
  const system = systemText(req.system, ctx);
  const input: ResponsesInputItem[] = [];
  if (system && opts.systemAs === "developer") input.push(developer(system));
  for (const m of req.messages) ctx.message(m, input);
  const tools = mapTools(req.tools ?? [], ctx);
  const body: ResponsesRequest = {
    model: model.model,
    input: pairCalls(input, ctx),
    tools,
    tool_choice: mapToolChoice(req, tools, ctx),
    parallel_tool_calls: req.tool_choice?.disable_parallel_tool_use !== true,
    reasoning: mapEffort(req),
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
  };
  if (system && opts.systemAs !== "developer") body.instructions = system;
  if (opts.sendMaxTokens && req.max_tokens) body.max_output_tokens = req.max_tokens;
  const cacheKey = opts.promptCacheKey ?? sessionId(req.metadata?.user_id);
  if (cacheKey) body.prompt_cache_key = cacheKey;
  if (req.temperature != null || req.top_p != null || req.top_k != null)
    ctx.note("sampling settings dropped (reasoning models fix them)");
  if (req.stop_sequences?.length) ctx.note("stop_sequences dropped (not supported upstream)");
  if (ctx.foreignThinking) ctx.note(`${ctx.foreignThinking} thinking block(s) with a foreign signature dropped`);
  return {
    ok: true,
    body,
    model,
    stream: req.stream === true,
    toolNames: ctx.toolNames,
    reasoningOwner: ctx.lastOwner,
    notes: ctx.notes,
  };
}

type UserPart = InputText | InputImage;

/** Per-request state while walking the messages. */
class Context {
  notes: string[] = [];
  toolNames = new Map<string, string>();
  lastOwner: string | null = null;
  foreignThinking = 0;
  calls = new Set<string>();
  answered = new Set<string>();
  private noted = new Set<string>();

  constructor(private owner: string | undefined) {}

  note(line: string): void {
    if (this.noted.has(line)) return;
    this.noted.add(line);
    this.notes.push(line);
  }

  message(m: AnthropicMessage, out: ResponsesInputItem[]): void {
    if (m.role === "system") {
      const text = typeof m.content === "string" ? m.content : joinText(m.content, this);
      if (text) out.push(developer(text));
      return;
    }
    if (typeof m.content === "string") {
      if (!m.content) return;
      out.push(m.role === "user" ? userMessage([inputText(m.content)]) : assistantMessage([outputText(m.content)]));
      return;
    }
    if (m.role === "user") this.user(m.content, out);
    else this.assistant(m.content, out);
  }

  private user(blocks: AnthropicBlock[], out: ResponsesInputItem[]): void {
    let parts: UserPart[] = [];
    let toolImages: UserPart[] = [];
    const flush = () => {
      if (toolImages.length) out.push(userMessage(toolImages));
      if (parts.length) out.push(userMessage(parts));
      toolImages = [];
      parts = [];
    };
    for (const b of blocks) {
      switch (b.type) {
        case "text":
          if (b.text) parts.push(inputText(b.text));
          break;
        case "image":
          parts.push(imagePart(b.source, this));
          break;
        case "document":
          parts.push(inputText(documentText(b, this)));
          break;
        case "tool_result": {
          if (parts.length) flush();
          const { text, images } = toolResultContent(b.content, this);
          const output = b.is_error ? `Error: ${text}` : text;
          if (!this.calls.has(b.tool_use_id)) {
            // Upstream refuses an output without its call (e.g. history trimmed by the client): keep it as text.
            this.note("tool_result without a matching tool_use sent as text");
            parts.push(inputText(`[Result of tool call ${b.tool_use_id}]\n${output}`), ...images);
            break;
          }
          this.answered.add(b.tool_use_id);
          out.push({ type: "function_call_output", call_id: b.tool_use_id, output });
          if (images.length) toolImages.push(inputText(`Images returned by tool call ${b.tool_use_id}:`), ...images);
          break;
        }
        default:
          this.note(`${b.type === "unknown" ? b.original : b.type} block in a user message skipped`);
      }
    }
    flush();
  }

  private assistant(blocks: AnthropicBlock[], out: ResponsesInputItem[]): void {
    let parts: OutputText[] = [];
    const flush = () => {
      if (parts.length) out.push(assistantMessage(parts));
      parts = [];
    };
    for (const b of blocks) {
      switch (b.type) {
        case "text":
          if (b.text) parts.push(outputText(b.text));
          break;
        case "thinking": {
          const sig = decodeSignature(b.signature);
          if (!sig || (this.owner !== undefined && sig.owner !== this.owner)) {
            this.foreignThinking++;
            break;
          }
          flush();
          this.lastOwner = sig.owner;
          const summary = b.thinking ? [{ type: "summary_text" as const, text: b.thinking }] : [];
          out.push({ type: "reasoning", summary, encrypted_content: sig.encrypted });
          break;
        }
        case "redacted_thinking":
          this.foreignThinking++;
          break;
        case "tool_use":
          flush();
          this.calls.add(b.id);
          out.push({
            type: "function_call",
            call_id: b.id,
            name: rememberToolName(this.toolNames, b.name),
            arguments: JSON.stringify(b.input ?? {}),
          });
          break;
        default:
          this.note(`${b.type === "unknown" ? b.original : b.type} block in an assistant message skipped`);
      }
    }
    flush();
  }
}

/** Every function_call needs an output upstream; an unanswered call (interrupted turn) gets a neutral one right after it. */
function pairCalls(input: ResponsesInputItem[], ctx: Context): ResponsesInputItem[] {
  if (ctx.answered.size === ctx.calls.size) return input;
  const out: ResponsesInputItem[] = [];
  for (const item of input) {
    out.push(item);
    if (item.type === "function_call" && !ctx.answered.has(item.call_id)) {
      out.push({ type: "function_call_output", call_id: item.call_id, output: NO_RESULT });
      ctx.note("tool_use without a tool_result answered with a placeholder");
    }
  }
  return out;
}

function systemText(system: AnthropicRequest["system"], ctx: Context): string {
  if (!system) return "";
  if (typeof system === "string") return system;
  const texts: string[] = [];
  for (const b of system) {
    if (typeof b.text !== "string") {
      ctx.note(`${b.type} block in system skipped`);
      continue;
    }
    if (b.text.startsWith(BILLING_HEADER)) continue;
    texts.push(b.text);
  }
  return texts.join("\n");
}

function joinText(blocks: AnthropicBlock[], ctx: Context): string {
  const texts: string[] = [];
  for (const b of blocks) {
    if (b.type === "text") texts.push(b.text);
    else ctx.note(`${b.type} block in a system message skipped`);
  }
  return texts.join("\n");
}

function toolResultContent(
  content: string | ToolResultPart[] | null | undefined,
  ctx: Context,
): { text: string; images: InputImage[] } {
  if (content == null) return { text: "", images: [] };
  if (typeof content === "string") return { text: content, images: [] };
  const texts: string[] = [];
  const images: InputImage[] = [];
  for (const p of content) {
    if (p.type === "text") texts.push(p.text);
    else if (p.type === "image") {
      const img = imagePart(p.source, ctx);
      if (img.type === "input_image") images.push(img);
      else texts.push(img.text);
    } else {
      ctx.note(`${p.original} block in a tool_result replaced by a note`);
      texts.push(`[${p.original} omitted]`);
    }
  }
  return { text: texts.join("\n"), images };
}

function imagePart(source: { type: string; [k: string]: unknown }, ctx: Context): UserPart {
  if (source.type === "base64" && typeof source.media_type === "string" && typeof source.data === "string")
    return { type: "input_image", image_url: `data:${source.media_type};base64,${source.data}`, detail: "auto" };
  if (source.type === "url" && typeof source.url === "string")
    return { type: "input_image", image_url: source.url, detail: "auto" };
  ctx.note(`image with a ${source.type} source replaced by a note`);
  return inputText(`[image (${source.type} source) omitted: not supported by prodex]`);
}

function documentText(b: Extract<AnthropicBlock, { type: "document" }>, ctx: Context): string {
  const title = b.title ? ` "${b.title}"` : "";
  if (b.source.type === "text" && typeof b.source.data === "string") return `[document${title}]\n${b.source.data}`;
  ctx.note("document block replaced by a note");
  const kind = b.source.media_type ?? b.source.type;
  return `[document${title} (${kind}) omitted: documents are not supported by prodex]`;
}

function mapTools(tools: AnthropicTool[], ctx: Context): ResponsesTool[] {
  const out: ResponsesTool[] = [];
  for (const t of tools) {
    // Server tools (web_search_20250305, bash_2025…) have a versioned type and no schema: they run at Anthropic.
    if (!t.input_schema || (t.type && t.type !== "custom")) {
      ctx.note(`server tool ${t.name} (${t.type ?? "no schema"}) skipped`);
      continue;
    }
    out.push({
      type: "function",
      name: rememberToolName(ctx.toolNames, t.name),
      description: t.description ?? "",
      parameters: t.input_schema,
      strict: false,
    });
  }
  return out;
}

function mapToolChoice(req: AnthropicRequest, tools: ResponsesTool[], ctx: Context): ResponsesToolChoice {
  const c = req.tool_choice;
  if (!c || c.type === "auto") return "auto";
  if (c.type === "none") return "none";
  if (tools.length === 0) {
    ctx.note(`tool_choice ${c.type} without usable tools sent as auto`);
    return "auto";
  }
  if (c.type === "any") return "required";
  const name = c.name ? rememberToolName(ctx.toolNames, c.name) : undefined;
  if (name && tools.some((t) => t.name === name)) return { type: "function", name };
  ctx.note("tool_choice names an unknown tool; sent as required");
  return "required";
}

/** Claude Code's metadata.user_id is JSON with session_id (2.1) or `user_…_session_<uuid>` (older). */
function sessionId(userId: string | null | undefined): string | undefined {
  if (!userId) return undefined;
  if (userId.startsWith("{")) {
    try {
      const v: unknown = JSON.parse(userId);
      if (typeof v === "object" && v !== null && "session_id" in v && typeof v.session_id === "string" && v.session_id)
        return v.session_id;
    } catch {
      return undefined;
    }
    return undefined;
  }
  return /session_([0-9a-f-]{8,})/i.exec(userId)?.[1];
}

function inputText(text: string): InputText {
  return { type: "input_text", text };
}

function outputText(text: string): OutputText {
  return { type: "output_text", text };
}

function userMessage(content: UserPart[]): ResponsesInputItem {
  return { type: "message", role: "user", content };
}

function assistantMessage(content: OutputText[]): ResponsesInputItem {
  return { type: "message", role: "assistant", content };
}

function developer(text: string): ResponsesInputItem {
  return { type: "message", role: "developer", content: [inputText(text)] };
}

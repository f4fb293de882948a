import type { AnthropicBlock, AnthropicRequest } from "./types.ts";

/**
 * A local ESTIMATE of input tokens, for `/v1/messages/count_tokens` and message_start: about four
 * characters per token over the system prompt, message text, tool inputs/results and the tool
 * definitions' JSON, plus a flat cost per image (Anthropic's cap for a full-size image) and per
 * message. Upstream tokenizers differ, so it is only meant for Claude Code's context gauge.
 */
export const CHARS_PER_TOKEN = 4;
export const IMAGE_TOKENS = 1600;
const MESSAGE_OVERHEAD_CHARS = 12;

type Countable = Pick<AnthropicRequest, "system" | "messages" | "tools">;

export function estimateTokens(req: Countable): number {
  let chars = 0;
  let images = 0;
  const sys = req.system;
  if (typeof sys === "string") chars += sys.length;
  else if (sys) for (const b of sys) chars += b.text?.length ?? 0;
  for (const m of req.messages) {
    chars += MESSAGE_OVERHEAD_CHARS;
    if (typeof m.content === "string") {
      chars += m.content.length;
      continue;
    }
    for (const b of m.content) {
      const c = blockChars(b);
      chars += c.chars;
      images += c.images;
    }
  }
  if (req.tools?.length) chars += jsonChars(req.tools);
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * IMAGE_TOKENS;
}

/**
 * About the length of `JSON.stringify(v)` (escapes ignored), without building the string: the tool
 * definitions are ~60 KB in every Claude Code request and this walk is ~15x cheaper.
 */
export function jsonChars(v: unknown): number {
  if (typeof v === "string") return v.length + 2;
  if (typeof v !== "object" || v === null) return 5;
  let n = 2;
  if (Array.isArray(v)) {
    for (const x of v) n += jsonChars(x) + 1;
    return n;
  }
  for (const [k, x] of Object.entries(v)) n += k.length + 4 + jsonChars(x);
  return n;
}

function blockChars(b: AnthropicBlock): { chars: number; images: number } {
  switch (b.type) {
    case "text":
      return { chars: b.text.length, images: 0 };
    case "thinking":
      return { chars: b.thinking.length, images: 0 };
    case "image":
      return { chars: 0, images: 1 };
    case "tool_use":
      return { chars: b.name.length + jsonChars(b.input), images: 0 };
    case "document":
      return {
        chars: typeof b.source.data === "string" && b.source.type === "text" ? b.source.data.length : 0,
        images: b.source.type === "text" ? 0 : 1,
      };
    case "tool_result": {
      if (typeof b.content === "string") return { chars: b.content.length, images: 0 };
      let chars = 0;
      let images = 0;
      for (const p of b.content ?? []) {
        if (p.type === "image") images++;
        else if (p.type === "text") chars += p.text.length;
      }
      return { chars, images };
    }
    default:
      return { chars: 0, images: 0 };
  }
}

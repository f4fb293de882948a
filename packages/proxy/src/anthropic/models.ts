import { DEFAULT_MODELS, mapModel, type ModelConfig } from "./model-map.ts";

export type AnthropicModelInfo = { type: "model"; id: string; display_name: string; created_at: string };

export type AnthropicModelList = {
  data: AnthropicModelInfo[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
};

/**
 * The Claude names prodex answers to. `claude-opus-4-8` is Claude Code 2.1.197's default (seen in the
 * captures); the others are the current aliases users pick with /model or ANTHROPIC_MODEL.
 */
export const CLAUDE_MODELS: readonly { id: string; name: string }[] = [
  { id: "claude-opus-4-8", name: "Claude Opus 4.8" },
  { id: "claude-opus-4-5", name: "Claude Opus 4.5" },
  { id: "claude-opus-4-1", name: "Claude Opus 4.1" },
  { id: "claude-sonnet-4-5", name: "Claude Sonnet 4.5" },
  { id: "claude-sonnet-4-5-20250929", name: "Claude Sonnet 4.5" },
  { id: "claude-haiku-4-5", name: "Claude Haiku 4.5" },
  { id: "claude-haiku-4-5-20251001", name: "Claude Haiku 4.5" },
];

/** Fixed so the list is stable between calls (no clock in a pure function). */
const CREATED_AT = "2025-01-01T00:00:00Z";

function info(id: string, name: string, config: ModelConfig): AnthropicModelInfo {
  return { type: "model", id, display_name: `${name} (via ${mapModel(id, config).model})`, created_at: CREATED_AT };
}

/** Body of `GET /v1/models`. */
export function listModels(config: ModelConfig = DEFAULT_MODELS): AnthropicModelList {
  const data = CLAUDE_MODELS.map((m) => info(m.id, m.name, config));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/**
 * Body of `GET /v1/models/{id}`: listed names, any other claude-* name (mapped by family) and
 * pass-through OpenAI names. null → answer 404 not_found_error.
 */
export function getModel(id: string, config: ModelConfig = DEFAULT_MODELS): AnthropicModelInfo | null {
  const known = CLAUDE_MODELS.find((m) => m.id === id);
  if (known) return info(known.id, known.name, config);
  const mapped = mapModel(id, config);
  if (id.startsWith("claude-") || mapped.family === "passthrough") return info(id, id, config);
  return null;
}

import type { AnthropicRequest, ReasoningEffort, ResponsesReasoning } from "./types.ts";

/** Which upstream model serves each Claude family. */
export type ModelConfig = { opus: string; sonnet: string; haiku: string; default: string };

export type ModelFamily = "opus" | "sonnet" | "haiku" | "passthrough" | "default";

export type MappedModel = { model: string; family: ModelFamily };

/**
 * Defaults. Claude Code asks for `claude-opus-4-8` for the main loop and a haiku model for small
 * side tasks (titles, summaries), so the big families get the flagship and haiku the small model.
 * All are overridable (config / env of the proxy).
 */
export const DEFAULT_MODELS: ModelConfig = { opus: "gpt-5", sonnet: "gpt-5", haiku: "gpt-5-mini", default: "gpt-5" };

/** OpenAI names that go upstream unchanged: gpt-*, o<digit>*, anything with "codex". */
const PASSTHROUGH = /^(gpt-|o\d)|codex/i;

export function mapModel(name: string, config: ModelConfig = DEFAULT_MODELS): MappedModel {
  const n = name.trim();
  if (PASSTHROUGH.test(n)) return { model: n, family: "passthrough" };
  const lower = n.toLowerCase();
  if (lower.includes("opus")) return { model: config.opus, family: "opus" };
  if (lower.includes("sonnet")) return { model: config.sonnet, family: "sonnet" };
  if (lower.includes("haiku")) return { model: config.haiku, family: "haiku" };
  return { model: config.default, family: "default" };
}

/**
 * Thinking budget → effort thresholds (inclusive upper bounds). Anthropic's minimum budget is 1024;
 * Claude Code's classic levels are think ≈ 4k, think hard ≈ 10k, ultrathink ≈ 32k.
 */
export const BUDGET_THRESHOLDS: readonly [max: number, effort: ReasoningEffort][] = [
  [4096, "low"],
  [16384, "medium"],
];

const EFFORTS = new Map<string, ReasoningEffort>([
  ["minimal", "minimal"],
  ["low", "low"],
  ["medium", "medium"],
  ["high", "high"],
  ["max", "high"], // Anthropic's top level; "xhigh" is not accepted by every GPT model
  ["xhigh", "high"],
]);

/**
 * Reasoning settings for the upstream request. Effort comes from, in order:
 * `output_config.effort` → `thinking.budget_tokens` (thresholds above) → thinking disabled or
 * absent → "low" (Claude asked for no thinking; "minimal" is refused by codex models and with some
 * tools) → adaptive without effort → model default (no effort sent).
 * Thinking enabled/adaptive also asks for reasoning summaries, which become thinking blocks.
 */
export function mapEffort(req: Pick<AnthropicRequest, "thinking" | "output_config">): ResponsesReasoning {
  const t = req.thinking?.type;
  const thinkingOn = t === "enabled" || t === "adaptive";
  const out: ResponsesReasoning = {};
  const asked = req.output_config?.effort?.toLowerCase();
  const fromConfig = asked === undefined ? undefined : EFFORTS.get(asked);
  if (fromConfig) out.effort = fromConfig;
  else if (t === "enabled" && req.thinking?.budget_tokens !== undefined)
    out.effort = budgetEffort(req.thinking.budget_tokens);
  else if (!thinkingOn) out.effort = "low";
  if (thinkingOn) out.summary = "auto";
  return out;
}

function budgetEffort(budget: number): ReasoningEffort {
  for (const [max, effort] of BUDGET_THRESHOLDS) if (budget <= max) return effort;
  return "high";
}

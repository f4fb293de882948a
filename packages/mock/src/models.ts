/** GET /backend-api/codex/models: the catalog shape Codex 0.169 deserializes (ModelsResponse). */

const efforts = ["low", "medium", "high"].map((effort) => ({ effort, description: `${effort} reasoning (mock)` }));

/** One entry per slug; every field Codex requires is present (see README). */
export function modelInfo(slug: string, priority: number) {
  return {
    slug,
    display_name: slug,
    description: `${slug} served by the prodex mock backend`,
    default_reasoning_level: "medium",
    supported_reasoning_levels: efforts,
    shell_type: "unified_exec",
    visibility: "list",
    supported_in_api: true,
    priority,
    availability_nux: null,
    upgrade: null,
    base_instructions: "You are a coding agent running in the Codex CLI against a mock backend.",
    supports_reasoning_summaries: true,
    default_reasoning_summary: "auto",
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: "freeform",
    truncation_policy: { mode: "bytes", limit: 10000 },
    supports_parallel_tool_calls: true,
    context_window: 272000,
    experimental_supported_tools: [],
    input_modalities: ["text", "image"],
  };
}

export const MODEL_SLUGS = ["gpt-5", "gpt-5-codex"];

export const modelsBody = () => ({ models: MODEL_SLUGS.map((slug, i) => modelInfo(slug, i)) });

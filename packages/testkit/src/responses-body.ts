/** A Codex-shaped `/responses` request body. */
export function responsesBody(text = "say hi", extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "gpt-5",
    stream: true,
    store: false,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
    tools: [],
    include: [],
    prompt_cache_key: extra.prompt_cache_key ?? crypto.randomUUID(),
    ...extra,
  };
}

import { describe, expect, test } from "bun:test";
import { getModel, listModels } from "./models.ts";

const config = { opus: "big", sonnet: "mid", haiku: "small", default: "dflt" };

describe("models", () => {
  test("list in Anthropic's format, including the captured default", () => {
    const l = listModels(config);
    expect(l.has_more).toBe(false);
    expect(l.first_id).toBe("claude-opus-4-8");
    expect(l.last_id).toBe(l.data.at(-1)!.id);
    for (const m of l.data) expect(Object.keys(m).sort()).toEqual(["created_at", "display_name", "id", "type"]);
    expect(l.data.map((m) => m.id)).toContain("claude-sonnet-4-5");
    expect(l.data.map((m) => m.id)).toContain("claude-haiku-4-5");
    expect(l.data[0]).toEqual({
      type: "model",
      id: "claude-opus-4-8",
      display_name: "Claude Opus 4.8 (via big)",
      created_at: "2025-01-01T00:00:00Z",
    });
  });
  const one: [string, string | null][] = [
    ["claude-haiku-4-5", "Claude Haiku 4.5 (via small)"],
    ["claude-sonnet-9", "claude-sonnet-9 (via mid)"],
    ["gpt-5", "gpt-5 (via gpt-5)"],
    ["llama", null],
  ];
  for (const [id, name] of one) test(`get ${id}`, () => expect(getModel(id, config)?.display_name ?? null).toBe(name));
});

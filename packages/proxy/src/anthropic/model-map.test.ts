import { describe, expect, test } from "bun:test";
import { DEFAULT_MODELS, mapEffort, mapModel, type MappedModel } from "./model-map.ts";
import type { ResponsesReasoning } from "./types.ts";

const config = { opus: "big", sonnet: "mid", haiku: "small", default: "dflt" };

const models: [string, MappedModel][] = [
  ["claude-opus-4-8", { model: "big", family: "opus" }],
  ["claude-opus-4-1-20250805", { model: "big", family: "opus" }],
  ["claude-sonnet-4-5", { model: "mid", family: "sonnet" }],
  ["claude-3-7-sonnet-latest", { model: "mid", family: "sonnet" }],
  ["claude-haiku-4-5-20251001", { model: "small", family: "haiku" }],
  ["Claude-Haiku-4-5", { model: "small", family: "haiku" }],
  ["gpt-5", { model: "gpt-5", family: "passthrough" }],
  ["gpt-5.1-codex-max", { model: "gpt-5.1-codex-max", family: "passthrough" }],
  ["o3", { model: "o3", family: "passthrough" }],
  ["o4-mini", { model: "o4-mini", family: "passthrough" }],
  ["codex-mini-latest", { model: "codex-mini-latest", family: "passthrough" }],
  ["my-codex-fork", { model: "my-codex-fork", family: "passthrough" }],
  ["opus", { model: "big", family: "opus" }],
  ["orca", { model: "dflt", family: "default" }], // "o" not followed by a digit
  ["claude-unknown", { model: "dflt", family: "default" }],
  ["", { model: "dflt", family: "default" }],
];

describe("mapModel", () => {
  for (const [name, want] of models) test(name || "(empty)", () => expect(mapModel(name, config)).toEqual(want));
  test("documented defaults", () => {
    expect(DEFAULT_MODELS).toEqual({ opus: "gpt-5", sonnet: "gpt-5", haiku: "gpt-5-mini", default: "gpt-5" });
    expect(mapModel("claude-haiku-4-5")).toEqual({ model: "gpt-5-mini", family: "haiku" });
  });
});

type EffortCase = [string, Parameters<typeof mapEffort>[0], ResponsesReasoning];
const efforts: EffortCase[] = [
  [
    "captures: adaptive + effort high",
    { thinking: { type: "adaptive" }, output_config: { effort: "high" } },
    { effort: "high", summary: "auto" },
  ],
  ["adaptive without effort → model default", { thinking: { type: "adaptive" } }, { summary: "auto" }],
  [
    "effort low",
    { output_config: { effort: "low" }, thinking: { type: "adaptive" } },
    { effort: "low", summary: "auto" },
  ],
  [
    "effort medium, thinking disabled",
    { output_config: { effort: "medium" }, thinking: { type: "disabled" } },
    { effort: "medium" },
  ],
  ["effort max → high", { output_config: { effort: "max" } }, { effort: "high" }],
  [
    "effort unknown → falls through",
    { output_config: { effort: "turbo" }, thinking: { type: "enabled", budget_tokens: 2000 } },
    { effort: "low", summary: "auto" },
  ],
  ["effort key from Object.prototype is not a level", { output_config: { effort: "constructor" } }, { effort: "low" }],
  ["budget 1024 → low", { thinking: { type: "enabled", budget_tokens: 1024 } }, { effort: "low", summary: "auto" }],
  ["budget 4096 → low", { thinking: { type: "enabled", budget_tokens: 4096 } }, { effort: "low", summary: "auto" }],
  [
    "budget 4097 → medium",
    { thinking: { type: "enabled", budget_tokens: 4097 } },
    { effort: "medium", summary: "auto" },
  ],
  [
    "budget 16384 → medium",
    { thinking: { type: "enabled", budget_tokens: 16384 } },
    { effort: "medium", summary: "auto" },
  ],
  ["budget 31999 → high", { thinking: { type: "enabled", budget_tokens: 31999 } }, { effort: "high", summary: "auto" }],
  [
    "output_config wins over budget",
    { thinking: { type: "enabled", budget_tokens: 31999 }, output_config: { effort: "low" } },
    { effort: "low", summary: "auto" },
  ],
  ["enabled without budget → model default", { thinking: { type: "enabled" } }, { summary: "auto" }],
  ["thinking disabled → low", { thinking: { type: "disabled" } }, { effort: "low" }],
  ["no thinking field → low", {}, { effort: "low" }],
];

describe("mapEffort", () => {
  for (const [name, input, want] of efforts) test(name, () => expect(mapEffort(input)).toEqual(want));
});

import { expect, test } from "bun:test";
import { completedUsage } from "./completed-usage.ts";

const completed = {
  type: "response.completed",
  response: {
    model: "gpt-5-codex",
    usage: {
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 90,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 1290,
    },
  },
};

test.each([
  ["a full usage block", completed, "gpt-5-codex", [1200, 1024, 90, 64]],
  ["no details", { response: { model: "m", usage: { input_tokens: 7, output_tokens: 3 } } }, "m", [7, 0, 3, 0]],
  ["no usage at all", { response: { model: "m" } }, "m", [0, 0, 0, 0]],
  ["no response", { type: "error" }, null, [0, 0, 0, 0]],
  ["not an object", "[DONE]", null, [0, 0, 0, 0]],
  [
    "negative or fractional counts",
    { response: { usage: { input_tokens: -5, output_tokens: 2.7 } } },
    null,
    [0, 0, 2, 0],
  ],
  ["counts as strings", { response: { usage: { input_tokens: "12" } } }, null, [0, 0, 0, 0]],
] as const)("%s", (_name, event, model, [input, cached, output, reasoning]) => {
  const got = completedUsage(event);
  expect(got.model).toBe(model);
  expect(got.usage).toEqual({
    inputTokens: input,
    cachedTokens: cached,
    outputTokens: output,
    reasoningTokens: reasoning,
  });
});

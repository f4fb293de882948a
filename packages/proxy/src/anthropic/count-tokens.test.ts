import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHARS_PER_TOKEN, IMAGE_TOKENS, estimateTokens, jsonChars } from "./count-tokens.ts";
import { AnthropicRequest } from "./types.ts";

const body = AnthropicRequest.parse(
  JSON.parse(readFileSync(join(import.meta.dir, "../../test/fixtures/claude/run1-messages-body.json"), "utf8")),
);

describe("estimateTokens", () => {
  const cases: [string, Parameters<typeof estimateTokens>[0], number][] = [
    ["empty", { messages: [] }, 0],
    [
      "string system + message",
      { system: "abcd", messages: [{ role: "user", content: "abcdefgh" }] },
      Math.ceil((4 + 8 + 12) / CHARS_PER_TOKEN),
    ],
    [
      "an image counts flat",
      {
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "x".repeat(10000) } }],
          },
        ],
      },
      Math.ceil(12 / 4) + IMAGE_TOKENS,
    ],
    [
      "tool_result text and images",
      {
        messages: [
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "t",
                content: [
                  { type: "text", text: "x".repeat(40) },
                  { type: "image", source: { type: "url", url: "u" } },
                ],
              },
            ],
          },
        ],
      },
      Math.ceil(52 / 4) + IMAGE_TOKENS,
    ],
  ];
  for (const [name, req, want] of cases) test(name, () => expect(estimateTokens(req)).toBe(want));

  test("the real run1 request lands near its size / 4", () => {
    const est = estimateTokens(body);
    const size = JSON.stringify(body).length / 4;
    expect(est).toBeGreaterThan(size * 0.7);
    expect(est).toBeLessThan(size * 1.1);
  });
});

describe("jsonChars", () => {
  const values: unknown[] = [null, 1, true, "abc", [], {}, [1, "x", { a: [null] }], body.tools, body.messages];
  for (const v of values) {
    test(JSON.stringify(v).slice(0, 30), () => {
      const exact = JSON.stringify(v).length;
      expect(Math.abs(jsonChars(v) - exact)).toBeLessThanOrEqual(Math.max(10, exact * 0.05));
    });
  }
});

import { describe, expect, test } from "bun:test";
import { blobKey, scanBody } from "./body-scan.ts";

describe("scanBody", () => {
  const cases: { name: string; body: unknown; want: ReturnType<typeof scanBody> }[] = [
    {
      name: "empty object",
      body: {},
      want: { promptCacheKey: null, previousResponseId: null, encrypted: [], compaction: [] },
    },
    {
      name: "codex request with reasoning",
      body: {
        model: "gpt-5",
        prompt_cache_key: "thread-1",
        input: [
          { type: "reasoning", summary: [], encrypted_content: "enc-a" },
          { type: "message", role: "user", content: [] },
        ],
      },
      want: { promptCacheKey: "thread-1", previousResponseId: null, encrypted: ["enc-a"], compaction: [] },
    },
    {
      name: "compaction items are told apart",
      body: {
        input: [
          { type: "compaction", encrypted_content: "c1" },
          { encrypted_content: "r1", type: "reasoning" },
        ],
      },
      want: { promptCacheKey: null, previousResponseId: null, encrypted: ["r1"], compaction: ["c1"] },
    },
    {
      name: "websocket continuation",
      body: { type: "response.create", previous_response_id: "resp_9", input: [] },
      want: { promptCacheKey: null, previousResponseId: "resp_9", encrypted: [], compaction: [] },
    },
    {
      name: "key names inside user text do not count",
      body: {
        input: [
          {
            type: "message",
            content: [{ type: "input_text", text: 'see {"prompt_cache_key":"evil","encrypted_content":"x"}' }],
          },
        ],
      },
      want: { promptCacheKey: null, previousResponseId: null, encrypted: [], compaction: [] },
    },
    {
      name: "escaped quotes inside values",
      body: { prompt_cache_key: 'a"b\\', input: [] },
      want: { promptCacheKey: 'a\\"b\\\\', previousResponseId: null, encrypted: [], compaction: [] },
    },
  ];
  test.each(cases)("$name", ({ body, want }) => {
    expect(scanBody(JSON.stringify(body))).toEqual(want);
  });

  test("pretty-printed JSON", () => {
    expect(
      scanBody(
        JSON.stringify({ prompt_cache_key: "k", input: [{ type: "reasoning", encrypted_content: "e" }] }, null, 2),
      ).encrypted,
    ).toEqual(["e"]);
  });

  test("blob keys are short and stable", () => {
    expect(blobKey("x".repeat(5000))).toBe(blobKey("x".repeat(5000)));
    expect(blobKey("a")).not.toBe(blobKey("b"));
    expect(blobKey("y".repeat(5000)).length).toBeLessThan(24);
  });
});

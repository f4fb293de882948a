import { describe, expect, test } from "bun:test";
import { codexAffinity, extractAffinity, foreignBlobs, mustStay, ownerOf, stripEncrypted } from "./affinity-keys.ts";
import { blobKey } from "./body-scan.ts";

const body = {
  model: "gpt-5",
  prompt_cache_key: "thread-1",
  input: [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    { type: "reasoning", summary: [], encrypted_content: "enc-a" },
    { type: "function_call", call_id: "c1", name: "exec_command", arguments: "{}" },
    { type: "function_call_output", call_id: "c1", output: "ok" },
  ],
};

describe("extractAffinity", () => {
  test("reads headers and body keys", () => {
    const k = extractAffinity(
      new Headers({ "x-codex-turn-state": "ts-1", "session-id": "s-1", "x-claude-code-session-id": "cs" }),
      body,
    );
    expect(k).toEqual({
      previousResponseId: null,
      turnState: "ts-1",
      session: "s-1",
      promptCacheKey: "thread-1",
      claudeSession: "cs",
      encrypted: ["enc-a"],
      compactionBlobs: [],
      encryptedItems: 1,
      compaction: false,
    });
    expect(mustStay(k)).toBe(false);
  });
  test("thread-id stands in for session-id", () => {
    expect(extractAffinity(new Headers({ "thread-id": "t" }), {}).session).toBe("t");
  });
  test("previous_response_id and compaction must stay", () => {
    expect(mustStay(extractAffinity(new Headers(), { previous_response_id: "resp_1" }))).toBe(true);
    expect(mustStay(extractAffinity(new Headers(), { input: [{ type: "compaction", encrypted_content: "x" }] }))).toBe(
      true,
    );
  });
  test("non-object bodies have no keys", () => {
    expect(extractAffinity(new Headers(), "x").encryptedItems).toBe(0);
    expect(extractAffinity(new Headers(), null).promptCacheKey).toBeNull();
  });
  test("oversized header values are ignored", () => {
    expect(extractAffinity(new Headers({ "session-id": "x".repeat(600) }), {}).session).toBeNull();
  });
});

describe("codexAffinity (the body scanned, not parsed)", () => {
  const headers = new Headers({ "x-codex-turn-state": "ts-1", "session-id": "s-1" });
  const cases: [string, unknown][] = [
    ["a turn with reasoning", body],
    ["a continuation", { previous_response_id: "resp_1", input: [] }],
    [
      "a compaction",
      {
        input: [
          { type: "compaction", encrypted_content: "blob" },
          { type: "message", content: [] },
        ],
      },
    ],
    ["a key name inside a message", { input: [{ type: "message", content: 'say "previous_response_id": "x"' }] }],
    ["no body keys", { model: "gpt-5", input: [] }],
  ];
  for (const [label, parsed] of cases)
    test(`${label}: the keys a parse finds`, () => {
      expect(codexAffinity(headers, JSON.stringify(parsed, null, 1))).toEqual(extractAffinity(headers, parsed));
    });
  test("a body that is not text: the headers' keys alone", () => {
    expect(codexAffinity(headers, null)).toEqual(extractAffinity(headers, null));
  });
});

describe("stripEncrypted", () => {
  test("drops encrypted reasoning, keeps messages and tool calls", () => {
    const { body: out, removed } = stripEncrypted(body);
    expect(removed).toBe(1);
    expect((out.input as { type: string }[]).map((i) => i.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
    ]);
    expect(body.input).toHaveLength(4);
  });
});

describe("ownerOf", () => {
  const bindings: Record<string, string> = {
    "turn_state:ts-1": "b",
    "session:s-1": "a",
    "prompt_cache_key:thread-1": "a",
    "response_id:resp_9": "c",
  };
  const lookup = (kind: string, key: string) => bindings[`${kind}:${key}`] ?? null;
  const cases: {
    name: string;
    headers: Record<string, string>;
    body: Record<string, unknown>;
    want: { profile: string; via: string } | null;
  }[] = [
    {
      name: "turn state beats session",
      headers: { "x-codex-turn-state": "ts-1", "session-id": "s-1" },
      body: {},
      want: { profile: "b", via: "turn_state" },
    },
    {
      name: "previous response id is strongest",
      headers: { "x-codex-turn-state": "ts-1" },
      body: { previous_response_id: "resp_9" },
      want: { profile: "c", via: "response_id" },
    },
    { name: "session", headers: { "session-id": "s-1" }, body: {}, want: { profile: "a", via: "session" } },
    {
      name: "prompt cache key",
      headers: {},
      body: { prompt_cache_key: "thread-1" },
      want: { profile: "a", via: "prompt_cache_key" },
    },
    { name: "unknown keys", headers: { "session-id": "zzz" }, body: {}, want: null },
  ];
  test.each(cases)("$name", ({ headers, body: b, want }) => {
    expect(ownerOf(extractAffinity(new Headers(headers), b), lookup)).toEqual(want);
  });
});

describe("encrypted ownership", () => {
  const keys = extractAffinity(new Headers({ "session-id": "s-1" }), {
    input: [
      { type: "reasoning", encrypted_content: "from-a" },
      { type: "reasoning", encrypted_content: "from-b" },
      { type: "reasoning", encrypted_content: "nobody" },
    ],
  });
  const owners: Record<string, string> = { [blobKey("from-a")]: "a", [blobKey("from-b")]: "b", "session:s-1": "a" };
  const lookup = (kind: string, key: string) =>
    kind === "encrypted" ? (owners[key] ?? null) : (owners[`${kind}:${key}`] ?? null);

  test("the newest readable blob names the owner, ahead of the session", () => {
    expect(ownerOf(keys, lookup)).toEqual({ profile: "b", via: "encrypted" });
  });
  test.each([
    { name: "b keeps its own and unbound blobs", to: "b", owner: "b", want: ["from-a"] },
    { name: "moving to c drops everything it cannot read", to: "c", owner: "b", want: ["from-a", "from-b", "nobody"] },
    { name: "without a known owner, unbound blobs stay", to: "a", owner: null, want: ["from-b"] },
  ])("$name", ({ to, owner, want }) => {
    expect([...foreignBlobs(keys, to, owner, lookup)].sort()).toEqual([...want].sort());
  });
  test("stripEncrypted can drop only some blobs", () => {
    const body = {
      input: [
        { type: "reasoning", encrypted_content: "x" },
        { type: "reasoning", encrypted_content: "y" },
      ],
    };
    expect(stripEncrypted(body, new Set(["x"])).body.input).toEqual([{ type: "reasoning", encrypted_content: "y" }]);
  });
});

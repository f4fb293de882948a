import { describe, expect, test } from "bun:test";
import { errorFrame, httpErrorFrame, isTerminal, parseClientFrame, responseIdOf, serverEvent } from "./ws-frames.ts";

describe("parseClientFrame", () => {
  const cases: [string, string | Uint8Array, { kind: string; status?: number; generate?: boolean; type?: string }][] = [
    [
      "a request",
      JSON.stringify({ type: "response.create", model: "gpt-5", input: [] }),
      { kind: "create", generate: true },
    ],
    ["a prewarm", JSON.stringify({ type: "response.create", generate: false }), { kind: "create", generate: false }],
    [
      "binary UTF-8 JSON",
      new TextEncoder().encode(JSON.stringify({ type: "response.create" })),
      { kind: "create", generate: true },
    ],
    [
      "another frame type",
      JSON.stringify({ type: "response.processed", response_id: "r1" }),
      { kind: "other", type: "response.processed" },
    ],
    ["not JSON", "{not json", { kind: "bad", status: 400 }],
    ["JSON without type", JSON.stringify({ model: "gpt-5" }), { kind: "bad", status: 400 }],
    ["an array", "[1,2]", { kind: "bad", status: 400 }],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { kind: "bad", status: 400 }],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => {
      expect(parseClientFrame(input)).toMatchObject(want);
    });
  }

  test("a frame over the limit is refused before it is parsed", () => {
    const frame = parseClientFrame(JSON.stringify({ type: "response.create", input: ["x".repeat(200)] }), 100);
    expect(frame).toMatchObject({ kind: "bad", status: 413 });
    expect(frame.kind === "bad" && frame.message).toContain("100-byte limit");
  });
});

describe("server events", () => {
  const cases: [string, string, { type: string | undefined; terminal: boolean; id: string | null }][] = [
    [
      "created",
      JSON.stringify({ type: "response.created", response: { id: "resp_1" } }),
      { type: "response.created", terminal: false, id: "resp_1" },
    ],
    [
      "completed",
      JSON.stringify({ type: "response.completed", response: { id: "resp_1", output: [] } }),
      { type: "response.completed", terminal: true, id: "resp_1" },
    ],
    [
      "failed",
      JSON.stringify({ type: "response.failed", response: { id: "resp_2" } }),
      { type: "response.failed", terminal: true, id: "resp_2" },
    ],
    ["error frame", JSON.stringify({ type: "error", status: 429 }), { type: "error", terminal: true, id: null }],
    [
      "delta",
      JSON.stringify({ type: "response.output_text.delta", delta: "hi" }),
      { type: "response.output_text.delta", terminal: false, id: null },
    ],
    ["noise", "ping", { type: undefined, terminal: false, id: null }],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      const event = serverEvent(text);
      expect(event.type).toBe(want.type);
      expect(isTerminal(event.type)).toBe(want.terminal);
      expect(responseIdOf(event)).toBe(want.id);
    });
  }
});

describe("error frames", () => {
  test("carry status and never status_code (Codex ignores a frame with both)", () => {
    const frame = JSON.parse(errorFrame(409, { type: "stale_continuation", message: "m" }));
    expect(frame).toEqual({ type: "error", status: 409, error: { type: "stale_continuation", message: "m" } });
    expect("status_code" in frame).toBe(false);
  });

  const http: [string, number, Headers | null, string, Record<string, unknown>][] = [
    [
      "usage limit JSON with its usage headers",
      429,
      new Headers({ "x-codex-primary-used-percent": "100", "content-type": "application/json", "set-cookie": "a=b" }),
      JSON.stringify({ error: { type: "usage_limit_reached", resets_at: 1 } }),
      {
        type: "error",
        status: 429,
        error: { type: "usage_limit_reached", resets_at: 1 },
        headers: { "x-codex-primary-used-percent": "100" },
      },
    ],
    [
      "a text body",
      426,
      null,
      "Upgrade Required",
      { type: "error", status: 426, error: { type: "server_error", message: "Upgrade Required" } },
    ],
    [
      "an empty body",
      502,
      null,
      "",
      { type: "error", status: 502, error: { type: "server_error", message: "upstream answered HTTP 502" } },
    ],
  ];
  for (const [name, status, headers, body, want] of http) {
    test(`from HTTP: ${name}`, () => {
      expect(JSON.parse(httpErrorFrame(status, headers, body))).toEqual(want);
    });
  }
});

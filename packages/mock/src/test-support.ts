/** Helpers shared by this package's tests: Codex-shaped requests against a mock. */
import { isRecord } from "@prodex/guards";
import { authJsonSchema } from "./admin.ts";
import type { AuthJson, MockBackend } from "./types.ts";

export type Input = Record<string, unknown>;

export const userMessage = (text: string): Input => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});

/** A request body shaped like Codex 0.169's (captures/codex-run2.jsonl), trimmed to what matters. */
export function codexBody(input: Input[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "gpt-5",
    stream: true,
    input,
    tools: [
      {
        type: "function",
        name: "exec_command",
        description: "Run a command",
        parameters: { type: "object", properties: {} },
      },
      { type: "web_search" },
    ],
    tool_choice: "auto",
    parallel_tool_calls: true,
    reasoning: { summary: "auto" },
    store: false,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "thread-1",
    ...extra,
  };
}

export function authHeaders(auth: AuthJson, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${auth.tokens.access_token}`,
    "chatgpt-account-id": auth.tokens.account_id,
    ...extra,
  };
}

export function postResponses(
  mock: MockBackend,
  auth: AuthJson,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
) {
  return fetch(`${mock.baseUrl}/codex/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...authHeaders(auth, init.headers) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

/** Narrow an unknown JSON value to a record for assertions. */
export function rec(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw new Error(`expected an object, got ${JSON.stringify(v)}`);
  return Object.fromEntries(Object.entries(v));
}

export function arr(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
}

/** An auth.json that came back over HTTP (the admin API), checked rather than cast. */
export const asAuth = (v: unknown): AuthJson => authJsonSchema.parse(v);

import type { PoolFixture } from "./pool-fixture.ts";

// Claude Code-shaped requests to the proxy's Anthropic routes (headers as in captures/claude-run1.jsonl).

export const BASH_TOOL = {
  name: "Bash",
  description: "Executes a given bash command.",
  input_schema: {
    type: "object",
    properties: { command: { type: "string" }, description: { type: "string" } },
    required: ["command"],
  },
};

export type MessagesOptions = {
  session?: string;
  key?: string | null;
  bearer?: boolean;
  signal?: AbortSignal;
  path?: string;
};

export function claudeHeaders(f: PoolFixture, options: MessagesOptions = {}): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
    "user-agent": "claude-cli/2.1.197 (external, sdk-cli)",
    "x-app": "cli",
    "x-stainless-retry-count": "0",
  };
  if (options.session !== undefined) h["x-claude-code-session-id"] = options.session;
  const key = options.key === undefined ? f.proxy.secret : options.key;
  if (key !== null) {
    if (options.bearer) h.authorization = `Bearer ${key}`;
    else h["x-api-key"] = key;
  }
  return h;
}

/** A Claude Code 2.1 request body: system blocks, adaptive thinking, the Bash tool; `session` as in metadata.user_id. */
export function messagesBody(
  messages: unknown[] | string,
  extra: Record<string, unknown> = {},
  session = "meta-session",
): Record<string, unknown> {
  return {
    model: "claude-opus-4-8",
    max_tokens: 32000,
    stream: true,
    thinking: { type: "adaptive" },
    output_config: { effort: "high" },
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;" },
      { type: "text", text: "You are Claude Code, in a test." },
    ],
    tools: [BASH_TOOL],
    metadata: { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: session }) },
    messages: typeof messages === "string" ? [{ role: "user", content: [{ type: "text", text: messages }] }] : messages,
    ...extra,
  };
}

export function postMessages(f: PoolFixture, body: unknown, options: MessagesOptions = {}): Promise<Response> {
  return fetch(`${f.proxy.url}${options.path ?? "/v1/messages?beta=true"}`, {
    method: "POST",
    headers: claudeHeaders(f, options),
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: options.signal,
  });
}

/** Upstream `/responses` requests the mock saw, as `account:status`. */
export function served(f: PoolFixture): string[] {
  return f.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => `${r.accountId}:${r.status}`);
}

/** The upstream request bodies the mock saw. */
export function upstreamBodies(f: PoolFixture): Record<string, unknown>[] {
  return f.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.body as Record<string, unknown>);
}

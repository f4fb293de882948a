import { UpstreamError, errorMessage } from "../errors.ts";
import { type UsageResponse, usageResponseSchema } from "./usage-schema.ts";

export const DEFAULT_CHATGPT_BASE = "https://chatgpt.com/backend-api";

/** `--base-url`, else CODEX_CHATGPT_BASE_URL, else ChatGPT's own; no trailing slash. */
export function resolveChatgptBase(flag: string | undefined, env: Record<string, string | undefined>): string {
  return (flag || env.CODEX_CHATGPT_BASE_URL || DEFAULT_CHATGPT_BASE).replace(/\/+$/, "");
}

/**
 * `{base}/wham/usage`, or `{base}/api/codex/usage` for a base without `/backend-api`. Like Codex's
 * backend client, a bare ChatGPT host (`https://chatgpt.com`) gets `/backend-api` first.
 */
export function usageUrl(base: string): string {
  let b = base.replace(/\/+$/, "");
  if ((b.startsWith("https://chatgpt.com") || b.startsWith("https://chat.openai.com")) && !b.includes("/backend-api"))
    b = `${b}/backend-api`;
  return b.includes("/backend-api") ? `${b}/wham/usage` : `${b}/api/codex/usage`;
}

export type FetchUsageOptions = {
  base: string;
  accessToken: string;
  accountId: string;
  fetch?: typeof fetch;
  /** Time allowed until response headers (connect + first byte). */
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
};

export type UsageResult = { usage: UsageResponse; raw: string; status: number };

/** One `wham/usage` call with bounded time. Throws UpstreamError with a one-line reason. */
export async function fetchUsage(options: FetchUsageOptions): Promise<UsageResult> {
  const url = usageUrl(options.base);
  const controller = new AbortController();
  const connectMs = options.connectTimeoutMs ?? 5_000;
  const totalMs = options.totalTimeoutMs ?? 10_000;
  let phase: "connect" | "body" = "connect";
  const connectTimer = setTimeout(() => controller.abort(), connectMs);
  const totalTimer = setTimeout(() => controller.abort(), totalMs);
  try {
    const res = await (options.fetch ?? fetch)(url, {
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        "chatgpt-account-id": options.accountId,
        accept: "application/json",
        "user-agent": "prodex",
      },
      signal: controller.signal,
    });
    clearTimeout(connectTimer);
    phase = "body";
    const raw = await res.text();
    if (!res.ok) throw new UpstreamError(`usage request failed: HTTP ${res.status} from ${url}`, res.status);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new UpstreamError(
        `usage answer from ${url} is not JSON`,
        res.status,
        "the upstream may be down or behind a captive portal; retry later",
      );
    }
    const parsed = usageResponseSchema.safeParse(json);
    if (!parsed.success) {
      const at = parsed.error.issues[0]?.path.join(".") || "root";
      throw new UpstreamError(`usage answer from ${url} has an unexpected shape (at ${at})`, res.status);
    }
    return { usage: parsed.data, raw, status: res.status };
  } catch (cause) {
    if (cause instanceof UpstreamError) throw cause;
    if (controller.signal.aborted) {
      const ms = phase === "connect" ? connectMs : totalMs;
      throw new UpstreamError(
        `usage request to ${url} timed out after ${ms / 1000}s (${phase === "connect" ? "no answer" : "answer incomplete"})`,
        undefined,
        "check your network or --base-url",
        { cause },
      );
    }
    throw new UpstreamError(
      `usage request to ${url} failed: ${errorMessage(cause)}`,
      undefined,
      "check your network or --base-url",
      { cause },
    );
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(totalTimer);
  }
}

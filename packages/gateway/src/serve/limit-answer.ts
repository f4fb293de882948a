// A key over its own limit, answered the way its client understands: Codex gets the upstream's
// `usage_limit_reached` 429 with the key's reset (so it shows it instead of retrying), Claude Code
// Anthropic's `rate_limit_error` (with `x-should-retry: false` and retry-after), an OpenAI client
// OpenAI's `rate_limit_exceeded`. Only this key is refused: the pool and the other keys go on.
import { sharePercent } from "../admin/key-limits-input.ts";
import { isoSecond } from "./iso-second.ts";
import type { Refused } from "./limit-check.ts";

export type ClientKind = "codex" | "claude" | "openai";

/** Which client a gateway path belongs to. */
export function clientOfPath(path: string): ClientKind {
  if (path.startsWith("/backend-api/")) return "codex";
  if (path.startsWith("/openai/")) return "openai";
  return "claude";
}

/** What every client's refusal says, and how long until the key may send again. */
function refusal(key: string, verdict: Refused, now: number): { seconds: number; message: string } {
  const seconds = Math.max(1, Math.ceil((verdict.resetAt - now) / 1000));
  const what = limitWords(verdict);
  const message = `prodex gateway: key "${key}" has reached its limit of ${what}; it resets at ${isoSecond(verdict.resetAt)}. Other keys are unaffected.`;
  return { seconds, message };
}

/** Codex's shape (the upstream's `usage_limit_reached` with the key's reset): its HTTP body and websocket frame. */
export function codexLimitError(key: string, verdict: Refused, now: number): Record<string, unknown> {
  const { seconds, message } = refusal(key, verdict, now);
  return {
    type: "usage_limit_reached",
    message,
    resets_at: Math.ceil(verdict.resetAt / 1000),
    resets_in_seconds: seconds,
  };
}

export function limitAnswer(client: ClientKind, key: string, verdict: Refused, now: number): Response {
  const { seconds, message } = refusal(key, verdict, now);
  const headers = { "retry-after": String(seconds), "x-should-retry": "false" };
  if (client === "codex") return Response.json({ error: codexLimitError(key, verdict, now) }, { status: 429, headers });
  if (client === "claude")
    return Response.json({ type: "error", error: { type: "rate_limit_error", message } }, { status: 429, headers });
  return Response.json(
    { error: { message, type: "rate_limit_exceeded", param: null, code: "rate_limit_exceeded" } },
    { status: 429, headers },
  );
}

/** The limit a refused key reached, in words. */
export function limitWords(v: Refused): string {
  if (v.limit !== "max-share") return v.limit === "rpm" ? `${v.max} requests per minute` : `${v.max} tokens per day`;
  const room = `${sharePercent(v.max)} of the pool's remaining weekly room`;
  const points = `${v.used.toFixed(1)} of its ${v.allowance.toFixed(1)} points`;
  return `${room} (an estimated ${points} of the accounts' weekly windows)`;
}

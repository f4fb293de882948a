import { expect, test } from "bun:test";
import { clientOfPath, limitAnswer } from "./limit-answer.ts";

const now = Date.UTC(2026, 11, 7, 10, 30, 15);
const verdict = { ok: false as const, limit: "rpm" as const, max: 3, used: 3, resetAt: now + 45_000 };

test.each([
  ["/backend-api/codex/responses", "codex"],
  ["/v1/messages", "claude"],
  ["/openai/v1/chat/completions", "openai"],
] as const)("%s is %s's", (path, client) => {
  expect(clientOfPath(path)).toBe(client);
});

type Body = { type?: string; error: { type: string; code?: string; resets_in_seconds?: number; resets_at?: number } };

test.each([
  ["codex", (b: Body) => [b.error.type, b.error.resets_in_seconds, b.error.resets_at]],
  ["claude", (b: Body) => [b.type, b.error.type]],
  ["openai", (b: Body) => [b.error.type, b.error.code]],
] as const)("%s: a 429 in its own shape, the key's reset, no retry", async (client, pick) => {
  const res = limitAnswer(client, "ci-bot", verdict, now);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("45");
  expect(res.headers.get("x-should-retry")).toBe("false");
  const body = (await res.json()) as Body;
  const want = {
    codex: ["usage_limit_reached", 45, Math.ceil((now + 45_000) / 1000)],
    claude: ["error", "rate_limit_error"],
    openai: ["rate_limit_exceeded", "rate_limit_exceeded"],
  }[client];
  expect(pick(body)).toEqual(want);
  expect(JSON.stringify(body)).toContain('key \\"ci-bot\\" has reached its limit of 3 requests per minute');
});

test("--max-share: Codex's usage_limit_reached resets when the key's weekly window does, and says by how much", async () => {
  const weekly = now + 50 * 3_600_000;
  const share = {
    ok: false as const,
    limit: "max-share" as const,
    max: 0.4,
    used: 12.5,
    allowance: 12,
    resetAt: weekly,
  };
  const body = (await limitAnswer("codex", "hog", share, now).json()) as {
    error: { type: string; resets_at: number; resets_in_seconds: number; message: string };
  };
  expect(body.error.type).toBe("usage_limit_reached");
  expect([body.error.resets_at, body.error.resets_in_seconds]).toEqual([weekly / 1000, 50 * 3600]);
  expect(body.error.message).toBe(
    `prodex gateway: key "hog" has reached its limit of 40% of the pool's remaining weekly room (an estimated 12.5 of its 12.0 points of the accounts' weekly windows); it resets at ${new Date(weekly).toISOString().replace(/\.\d+Z$/, "Z")}. Other keys are unaffected.`,
  );
});

// Unsigned JWTs for unit tests (Codex accepts `alg: none` test logins; protocol reference §1).

export const AUTH_CLAIM = "https://api.openai.com/auth";
export const PROFILE_CLAIM = "https://api.openai.com/profile";

/** An unsigned JWT (`alg: none`) carrying `payload`. */
export function unsignedJwt(payload: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.sig`;
}

/** Claims shaped like auth.openai.com's for `accountId`; `exp` in epoch seconds (omitted when undefined). */
export function claims(
  accountId: string,
  exp: number | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    email: `${accountId}@example.com`,
    ...(exp === undefined ? {} : { exp }),
    [AUTH_CLAIM]: { chatgpt_account_id: accountId, chatgpt_plan_type: "plus", chatgpt_user_id: `user-${accountId}` },
    ...extra,
  };
}

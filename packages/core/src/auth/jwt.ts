import { z } from "zod";

// Claims Codex reads (protocol reference §1). Unsigned test JWTs are fine: we never verify, only read.
// Each claim is read on its own: one oddly typed claim (a null plan) must not hide the account id or expiry.
const str = z.string().optional().catch(undefined);

const authClaims = z
  .object({
    chatgpt_account_id: str,
    chatgpt_plan_type: str,
    chatgpt_user_id: str,
  })
  .loose();

const claimsSchema = z
  .object({
    email: str,
    exp: z.number().optional().catch(undefined),
    "https://api.openai.com/profile": z.object({ email: str }).loose().optional().catch(undefined),
    "https://api.openai.com/auth": authClaims.optional().catch(undefined),
  })
  .loose();

export type JwtInfo = {
  email: string | null;
  /** Epoch ms, or null when the token carries no `exp`. */
  expiresAt: number | null;
  accountId: string | null;
  plan: string | null;
  userId: string | null;
};

/** Reads the claims of a JWT without verifying it; null when `token` is not a JWT. */
export function decodeJwt(token: string): JwtInfo | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return null;
  const c = parsed.data;
  const auth = c["https://api.openai.com/auth"];
  return {
    email: c.email ?? c["https://api.openai.com/profile"]?.email ?? null,
    expiresAt: c.exp === undefined ? null : c.exp * 1000,
    accountId: auth?.chatgpt_account_id ?? null,
    plan: auth?.chatgpt_plan_type ?? null,
    userId: auth?.chatgpt_user_id ?? null,
  };
}

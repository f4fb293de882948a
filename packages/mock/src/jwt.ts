/** Unsigned JWTs (`alg: none`), which Codex accepts for ChatGPT login tokens. */

export type JwtClaims = Record<string, unknown>;

const header = { alg: "none", typ: "JWT" };

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/**
 * Encode claims as `header.payload.signature`. Nobody verifies the signature (any non-empty one
 * passes); a random one gives every token distinct last characters, which redacted logs rely on.
 */
export function encodeJwt(claims: JwtClaims): string {
  const sig = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url");
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${sig}`;
}

/** The payload of a JWT, or null when the token is not one. Never verifies a signature. */
export function decodeJwt(token: string): JwtClaims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    return Object.fromEntries(Object.entries(value));
  } catch {
    return null;
  }
}

export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
export const AUTH_CLAIM = "https://api.openai.com/auth";
export const PROFILE_CLAIM = "https://api.openai.com/profile";

export type Identity = { accountId: string; email: string; plan: string; userId: string };

/** Claims of an access token, shaped like the ones Codex receives from auth.openai.com. */
export function accessClaims(who: Identity, iat: number, exp: number, jti: string): JwtClaims {
  return {
    iss: "https://auth.openai.com",
    aud: ["https://api.openai.com/v1"],
    sub: `auth0|${who.userId}`,
    iat,
    exp,
    jti,
    client_id: CODEX_CLIENT_ID,
    email: who.email,
    [AUTH_CLAIM]: authClaim(who),
    [PROFILE_CLAIM]: { email: who.email, email_verified: true },
  };
}

/** Claims of an id token (Codex reads email, plan and account id from it). */
export function idClaims(who: Identity, iat: number, exp: number, jti: string): JwtClaims {
  return {
    iss: "https://auth.openai.com",
    aud: [CODEX_CLIENT_ID],
    sub: `auth0|${who.userId}`,
    iat,
    exp,
    jti,
    email: who.email,
    email_verified: true,
    [AUTH_CLAIM]: authClaim(who),
    [PROFILE_CLAIM]: { email: who.email, email_verified: true },
  };
}

function authClaim(who: Identity): JwtClaims {
  return {
    chatgpt_account_id: who.accountId,
    chatgpt_plan_type: who.plan,
    chatgpt_user_id: who.userId,
    user_id: who.userId,
  };
}

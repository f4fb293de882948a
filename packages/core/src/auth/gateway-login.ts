// The ChatGPT login a laptop's Codex holds when it runs through a team gateway: a placeholder, never a ChatGPT
// token. Codex in ChatGPT mode sends its access token as `Authorization: Bearer` on every call (inference, the
// websocket upgrade, `wham/*`) and its refresh token in the refresh body, all to the gateway; so both are the
// gateway key, which the gateway checks like any other. The id token is an unsigned JWT (Codex reads its claims,
// never verifies them) naming no account of the pool. Built here once: the laptop writes it, the gateway's
// refresh answers it.
import { type AuthJson, type FreshTokens, readAuth, withTokens, writeAuth } from "./auth-file.ts";

/** The account id Codex sends (`chatgpt-account-id`) and the gateway echoes: no pool account's. */
export const GATEWAY_ACCOUNT_ID = "prodex-gateway";

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Pure: the tokens of the placeholder login for gateway key `key`. */
export function gatewayLoginTokens(key: string): FreshTokens {
  const claims = {
    iss: "prodex-gateway",
    email: "codex@prodex-gateway.invalid",
    "https://api.openai.com/auth": {
      chatgpt_account_id: GATEWAY_ACCOUNT_ID,
      chatgpt_plan_type: "pro",
      chatgpt_user_id: GATEWAY_ACCOUNT_ID,
    },
  };
  // `alg: none` and a fixed signature: nothing a ChatGPT server would accept.
  const idToken = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.cHJvZGV4`;
  return { idToken, accessToken: key, refreshToken: key };
}

/**
 * Makes `codexHome/auth.json` the placeholder login for `key` (atomic, 0600). A login already holding that key
 * is left alone, so Codex's own `last_refresh` survives between launches; anything else is replaced.
 */
export function ensureGatewayLogin(codexHome: string, key: string, now = new Date()): void {
  const current = readAuth(codexHome);
  if (current.kind === "chatgpt" && current.accessToken === key && current.refreshToken === key) return;
  const blank: AuthJson = { auth_mode: "chatgpt", OPENAI_API_KEY: null };
  writeAuth(codexHome, withTokens(blank, gatewayLoginTokens(key), GATEWAY_ACCOUNT_ID, now));
}

import { z } from "zod";
import { UpstreamError, errorMessage } from "../errors.ts";
import { type AuthJson, type ChatgptAuth, withTokens } from "./auth-file.ts";

export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

export type RefreshReason = "proactive_expiry" | "unauthorized_recovery";

const refreshResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
});

const refreshError = z
  .object({
    error: z
      .union([z.string(), z.object({ code: z.string().nullish(), message: z.string().nullish() }).loose()])
      .optional(),
    error_description: z.string().optional(),
  })
  .loose();

// Codes after which only a new login helps (the refresh token family is gone).
const DEAD_LOGIN_CODES = new Set([
  "refresh_token_reused",
  "refresh_token_expired",
  "refresh_token_invalidated",
  "invalid_grant",
]);

/** The endpoint's new tokens; `ok: false` when it rejected the refresh token for good (a new login is needed). */
export type TokenAnswer = { ok: true; tokens: z.infer<typeof refreshResponse> } | { ok: false; why: string };

/**
 * `auth` carrying the endpoint's new tokens (an answer without a refresh or id token keeps the old one),
 * stamped `now` and always later than the login it replaces. Shared like `requestTokens`.
 */
export function refreshedAuth(
  auth: ChatgptAuth,
  tokens: Extract<TokenAnswer, { ok: true }>["tokens"],
  now: number,
): AuthJson {
  const fresh = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? auth.refreshToken,
    idToken: tokens.id_token ?? auth.idToken,
  };
  return withTokens(auth.json, fresh, auth.accountId, new Date(Math.max(now, auth.lastRefresh + 1)));
}

/**
 * One call to the OAuth token endpoint, as Codex makes it. Throws UpstreamError for what a retry may fix
 * (network, 5xx, an odd body). Shared by the local TokenManager and the team gateway's refresh.
 */
export async function requestTokens(
  options: { url: string; fetch: typeof fetch; timeoutMs?: number },
  name: string,
  refreshToken: string,
  reason: RefreshReason,
): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await options.fetch(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: CODEX_CLIENT_ID,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        refresh_reason: reason,
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (cause) {
    throw new UpstreamError(
      `profile "${name}": token refresh failed: ${errorMessage(cause)}`,
      undefined,
      "check your network and retry",
      { cause },
    );
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (res.ok) {
    const ok = refreshResponse.safeParse(body);
    if (ok.success) return { ok: true, tokens: ok.data };
    throw new UpstreamError(`profile "${name}": token refresh answered an unexpected body`, res.status, "retry later");
  }
  const code = errorCode(body);
  if (res.status === 401 || (code !== null && DEAD_LOGIN_CODES.has(code)))
    return { ok: false, why: code ?? `HTTP ${res.status}` };
  throw new UpstreamError(
    `profile "${name}": token refresh failed with HTTP ${res.status}${code ? ` (${code})` : ""}`,
    res.status,
    "retry later",
  );
}

function errorCode(body: unknown): string | null {
  const parsed = refreshError.safeParse(body);
  if (!parsed.success) return null;
  const e = parsed.data.error;
  if (typeof e === "string") return e;
  return e?.code ?? null;
}

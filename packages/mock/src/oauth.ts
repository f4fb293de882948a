/** POST /oauth/token: the refresh grant, with rotation and reuse detection like auth.openai.com. */
import { z } from "zod";
import { errorBody } from "./error-bodies.ts";
import { CODEX_CLIENT_ID } from "./jwt.ts";
import { recordBody, recordHeaders } from "./recorder.ts";
import type { MockState } from "./state.ts";

const grantSchema = z.looseObject({
  client_id: z.string().optional(),
  grant_type: z.string().optional(),
  refresh_token: z.string().optional(),
  refresh_reason: z.string().optional(),
});

/** JSON (what Codex sends) or a classic form body. */
async function readGrant(req: Request): Promise<unknown> {
  const text = await req.text();
  if ((req.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function handleToken(state: MockState, req: Request): Promise<Response> {
  const url = new URL(req.url);
  let raw: unknown = null;
  try {
    raw = await readGrant(req);
  } catch {
    // the client went away mid-body; answered below as a bad request
  }
  let accountId: string | null = null;
  const answer = (status: number, body: unknown) => {
    state.record({
      transport: "http",
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers: recordHeaders(req.headers),
      body: recordBody(raw),
      accountId,
      status,
    });
    return Response.json(body, { status });
  };
  const parsed = grantSchema.safeParse(raw);
  if (!parsed.success)
    return answer(
      400,
      errorBody(
        "invalid_request_error",
        "invalid_request",
        "Body must be a JSON object with grant_type, client_id and refresh_token.",
      ),
    );
  const grant = parsed.data;
  if (grant.grant_type !== "refresh_token") {
    return answer(
      400,
      errorBody(
        "invalid_request_error",
        "unsupported_grant_type",
        `Unsupported grant_type "${grant.grant_type ?? ""}"; the mock serves refresh_token.`,
      ),
    );
  }
  if (grant.client_id !== CODEX_CLIENT_ID)
    return answer(401, errorBody("invalid_request_error", "invalid_client", "Unknown client_id."));
  if (!grant.refresh_token)
    return answer(400, errorBody("invalid_request_error", "invalid_request", "Missing refresh_token."));

  state.refreshCalls++;
  const result = state.tokens.refresh(
    grant.refresh_token,
    state.settings.ttlSeconds,
    (id) => state.accounts.get(id) ?? null,
  );
  accountId = result.accountId;
  const account = accountId ? state.accounts.get(accountId) : undefined;
  if (account) account.counters.refreshes++;
  if (!result.ok && result.reason === "reused") {
    return answer(
      401,
      errorBody(
        "invalid_request_error",
        "refresh_token_reused",
        "Your refresh token has already been used to generate a new access token. Please try signing in again.",
      ),
    );
  }
  if (!result.ok) {
    return answer(
      401,
      errorBody(
        "invalid_grant",
        "refresh_token_invalidated",
        "Your refresh token has been invalidated. Please try signing in again.",
      ),
    );
  }
  const t = result.tokens;
  return answer(200, {
    id_token: t.idToken,
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    token_type: "Bearer",
    expires_in: t.expiresIn,
    scope: "openid profile email offline_access",
  });
}

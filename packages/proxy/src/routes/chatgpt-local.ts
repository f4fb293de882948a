import type { Context as HonoContext } from "hono";
import { pooledUsageBody } from "../engine/pooled-usage.ts";
import type { ProxyState } from "../engine/proxy-state.ts";

// ChatGPT routes the proxy answers itself (protocol reference: "Workspace routing").

/** `GET wham/accounts/check`: Codex's workspace discovery. The id must echo the request's account. */
export function accountsCheck(state: ProxyState, c: HonoContext): Response {
  const id = c.req.header("chatgpt-account-id") ?? state.pool.row(state.pool.current ?? "")?.accountId ?? "prodex-pool";
  return Response.json(accountsCheckBody(id));
}

/** The one workspace Codex is told about, named `id` (pure; the team gateway answers with it too). */
export function accountsCheckBody(id: string): Record<string, unknown> {
  return {
    accounts: [
      {
        id,
        name: "prodex pool",
        profile_picture_url: null,
        structure: "personal",
        // Must be https; Codex keeps inference on the custom provider's base URL (the proxy).
        workspace_backend_origin: "https://chatgpt.com",
        account_routing_override: "NO_CONSTRAINT",
      },
    ],
    account_ordering: [id],
    default_account_id: id,
  };
}

/** `GET wham/usage`: the pool's view, so Codex never stops the user while any account has quota. */
export function pooledUsage(state: ProxyState, c: HonoContext): Response {
  return Response.json(pooledUsageBody(state.pool, c.req.header("chatgpt-account-id") ?? null, state.ctx.now()));
}

/** The ChatGPT routes Codex calls besides inference: workspace check, usage, models, and harmless extras. */
import { Hono, type Context } from "hono";
import { notFoundBody, unauthorizedBody } from "./error-bodies.ts";
import { modelsBody } from "./models.ts";
import { isRecord } from "@prodex/guards";
import type { MockState } from "./state.ts";
import { whamUsage } from "./usage-wire.ts";

export type Env = { Variables: { accountId: string | null } };

/** Resolve the bearer to an account, or answer 401. Sets the account for the request log. */
function authed(state: MockState, c: Context<Env>, then: (accountId: string) => Response): Response {
  const auth = state.authenticate(c.req.raw.headers);
  c.set("accountId", auth.account?.accountId ?? null);
  if (!auth.ok) return c.json(unauthorizedBody(auth.reason), 401);
  return then(auth.account.accountId);
}

export function chatgptRoutes(state: MockState): Hono<Env> {
  const app = new Hono<Env>();

  // Workspace routing discovery: Codex fails every turn if this fails.
  app.get("/backend-api/wham/accounts/check", (c) =>
    authed(state, c, (id) => {
      const a = state.accounts.must(id);
      return c.json({
        accounts: [
          {
            id,
            name: `${a.email} (mock workspace)`,
            profile_picture_url: null,
            structure: "personal",
            workspace_backend_origin: state.url,
            account_routing_override: "NO_CONSTRAINT",
          },
        ],
        account_ordering: [id],
        default_account_id: id,
      });
    }),
  );

  const usage = (c: Context<Env>) => authed(state, c, (id) => c.json(whamUsage(state.accounts.must(id))));
  app.get("/backend-api/wham/usage", usage);
  // The usage path Codex uses when its ChatGPT base has no /backend-api.
  app.get("/api/codex/usage", usage);

  app.get("/backend-api/codex/models", (c) =>
    authed(state, c, () => c.json(modelsBody(), 200, { etag: '"mock-models-1"' })),
  );

  app.get("/backend-api/wham/settings/user", (c) => c.json({}));
  app.get("/backend-api/wham/rate-limit-reset-credits", (c) => c.json({ credits: [] }));
  app.get("/backend-api/ps/plugins/installed", (c) =>
    c.json({ plugins: [], pagination: { next_cursor: null, has_more: false } }),
  );
  app.get("/backend-api/ps/plugins/suggested/*", (c) => c.json({ enabled: false, plugins: [] }));
  app.get("/backend-api/ps/plugins/*", (c) => c.json({ plugins: [] }));
  app.post("/backend-api/codex/analytics-events/events", (c) => c.json({ ok: true }));
  app.post("/backend-api/ps/mcp", async (c) => mcp(c));

  app.all("/backend-api/*", (c) => c.json(notFoundBody(c.req.path), 404));
  return app;
}

/** A minimal MCP server (JSON-RPC over HTTP) with no tools, so Codex's MCP client starts cleanly. */
async function mcp(c: Context<Env>): Promise<Response> {
  let msg: unknown = null;
  try {
    msg = await c.req.json();
  } catch {
    return c.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }, 400);
  }
  if (!isRecord(msg))
    return c.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request" } }, 400);
  // Notifications carry no id and get no body.
  if (msg.id === undefined) return c.body(null, 202);
  const id = msg.id;
  const params = isRecord(msg.params) ? msg.params : {};
  switch (msg.method) {
    case "initialize":
      return c.json({
        jsonrpc: "2.0",
        id,
        result: {
          protocolVersion: typeof params.protocolVersion === "string" ? params.protocolVersion : "2025-06-18",
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: "prodex-mock", version: "0.1.0" },
        },
      });
    case "tools/list":
      return c.json({ jsonrpc: "2.0", id, result: { tools: [] } });
    case "ping":
      return c.json({ jsonrpc: "2.0", id, result: {} });
    default:
      return c.json({
        jsonrpc: "2.0",
        id,
        error: { code: -32601, message: `Method not found: ${String(msg.method)}` },
      });
  }
}

// Who may call what on a gateway instance: every route it registers, classified once. A route the table does not
// name is refused (404), so a route added later stays closed until someone decides who may call it; the role table
// test (test/key-roles.test.ts) fails for such a route, naming it.
//
// What each role sees: a `user` key sends its client's requests, reads its own usage and the pool's room in
// aggregate (never an account's email, id, name or windows); a `viewer` key reads everything and changes nothing;
// an `admin` key does everything.
import type { ApiKeyRole } from "@prodex/store/pg";

/**
 * open: no key (probes; routes whose key is in the body); key: a key of whatever role;
 * serve: a key that sends requests (user, admin); read: admin or viewer; admin: admin only.
 */
export type Access = "open" | "key" | "serve" | "read" | "admin";

/** Every route the front door registers, as `METHOD path` in Hono's syntax. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  "GET /livez": "open",
  "GET /readyz": "open",
  // Codex's refresh and revoke through the gateway: the gateway key is the body's refresh token.
  "POST /oauth/token": "open",
  "POST /oauth/revoke": "open",
  "GET /gateway/v1/whoami": "key",
  // A user key's report is its own rows and the pool's room in aggregate (usage-report.ts).
  "GET /gateway/v1/usage": "key",
  "GET /gateway/v1/accounts": "read",
  "DELETE /gateway/v1/accounts/:name": "admin",
  "GET /gateway/v1/keys": "read",
  "POST /gateway/v1/keys": "admin",
  "PATCH /gateway/v1/keys/:name": "admin",
  "DELETE /gateway/v1/keys/:name": "admin",
  "GET /gateway/v1/instances": "read",
  "GET /gateway/v1/events": "read",
  "GET /gateway/v1/pool": "read",
  "GET /gateway/v1/feed": "read",
  "POST /gateway/v1/pool/control": "admin",
  "GET /metrics": "read",
  // The pool's view (codex-account-routes.ts): what Codex reads before it sends.
  "GET /backend-api/wham/usage": "serve",
  "GET /backend-api/wham/accounts/check": "serve",
  // Everything else goes to the proxy: only the routes in CLIENT_ROUTES.
  "ALL /*": "serve",
};

/**
 * What the clients call, passed to the proxy. Nothing else under `/backend-api/` goes on: the proxy would send it to
 * ChatGPT with a pool account's token, and the answer (`/backend-api/me`, conversations, tasks) is that account's.
 */
export const CLIENT_ROUTES: readonly string[] = [
  "HEAD /",
  "GET /backend-api/codex/responses",
  "POST /backend-api/codex/responses",
  "POST /backend-api/codex/responses/compact",
  "GET /backend-api/codex/models",
  "POST /backend-api/codex/analytics-events/events",
  "GET /backend-api/wham/usage",
  "GET /backend-api/wham/accounts/check",
  // Not `ps/*` (plugins, `ps/mcp`: the account's ChatGPT apps and connectors), `wham/settings/user` or
  // `wham/rate-limit-reset-credits`: each is a pool account's own; Codex runs without them (and is launched with
  // `features.apps=false`, so it does not start the apps only to warn that they were refused).
  "POST /v1/messages",
  "POST /v1/messages/count_tokens",
  "POST /v1/messages/cache_touch",
  "GET /v1/models",
  "GET /v1/models/:id",
  "POST /openai/v1/responses",
  "POST /openai/v1/chat/completions",
  "GET /openai/v1/models",
  "GET /openai/v1/models/:id",
];

/** A route of the tables, split once: they are matched on every request. */
type Pattern = { method: string; segments: string[] };

function patternOf(route: string): Pattern {
  const [method = "", path = ""] = route.split(" ");
  return { method, segments: path.split("/") };
}

function matches(p: Pattern, method: string, got: readonly string[]): boolean {
  if (p.method !== "ALL" && p.method !== method) return false;
  const want = p.segments;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    if (w === "*") return i < got.length;
    const g = got[i];
    if (g === undefined || (w.startsWith(":") ? g === "" : w !== g)) return false;
  }
  return got.length === want.length;
}

/** Does `METHOD pattern` (`:x` one segment, a trailing `*` the rest) match this request? */
export function routeMatches(route: string, method: string, path: string): boolean {
  return matches(patternOf(route), method, path.split("/"));
}

const TABLE = Object.entries(ROUTE_ACCESS).map(([route, access]) => ({ route, access, pattern: patternOf(route) }));
const CLIENT_PATTERNS = CLIENT_ROUTES.map(patternOf);

/** The access a request needs, or null: no route the gateway serves (the first route of the table that matches). */
export function accessOf(method: string, path: string): Access | null {
  const got = path.split("/");
  for (const { route, access, pattern } of TABLE) {
    if (!matches(pattern, method, got)) continue;
    if (route === "ALL /*" && !CLIENT_PATTERNS.some((p) => matches(p, method, got))) return null;
    return access;
  }
  return null;
}

export function permits(role: ApiKeyRole, access: Access): boolean {
  if (access === "open" || access === "key" || role === "admin") return true;
  if (role === "viewer") return access === "read";
  return access === "serve";
}

export type RouteVerdict = { ok: true } | { ok: false; status: 403 | 404; message: string };

/** May a key of `role` call `METHOD path`? Refused: one line saying what it needs, or that there is no such route. */
export function routeVerdict(method: string, path: string, role: ApiKeyRole): RouteVerdict {
  const access = accessOf(method, path);
  const route = `${method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path}`;
  if (access === null)
    return { ok: false, status: 404, message: `prodex gateway: ${route} is not a route the gateway serves` };
  if (permits(role, access)) return { ok: true };
  const needs =
    access === "read"
      ? "an admin or viewer key"
      : access === "admin"
        ? "an admin key (a viewer key only reads)"
        : "a user or admin key (a viewer key only reads)";
  return { ok: false, status: 403, message: `prodex gateway: ${route} needs ${needs}; this is a ${role} key` };
}

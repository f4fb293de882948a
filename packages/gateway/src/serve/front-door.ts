import { Hono } from "hono";
import {
  type AffinityKeys,
  BodyError,
  type RequestBody,
  codexAffinity,
  extractAffinity,
  handOverBody,
  readRequestBody,
} from "@prodex/proxy";
import type { ApiKeyRole } from "@prodex/store/pg";
import { type Backend, backendRequest } from "./backend-request.ts";
import type { CodexSocketRelay } from "./codex-socket.ts";
import { type KeyAuth, presentedKey } from "./key-auth.ts";
import { clientOfPath, limitAnswer } from "./limit-answer.ts";
import type { LimitVerdict } from "./limit-check.ts";
import { routeVerdict } from "./route-access.ts";

export type GatewayEnv = { Variables: { role: ApiKeyRole; name: string } };

export type { Backend } from "./backend-request.ts";

/** Looks a request's continuation up by its keys before it goes on (null: go on; a Response: answer with it). */
export type Continuations = (path: string, keys: AffinityKeys) => Promise<Response | null>;

export type FrontDoorDeps = {
  continuations: Continuations;
  instance: string;
  keys: KeyAuth;
  backend: () => Backend;
  ready: () => { ready: true } | { ready: false; reason: string };
  admin: Hono<GatewayEnv>;
  /** May this key send one more request now (its own limits; key-limiter.ts)? */
  limits: (key: string) => Promise<LimitVerdict>;
  /** This instance's metrics as Prometheus text (gateway-metrics.ts). */
  metrics: () => string;
  /** Codex's refresh and revoke (their key is in the body: mounted before the key check; codex-account-routes.ts). */
  codexLogin?: Hono;
  /** Codex's `wham/usage` and `wham/accounts/check`, answered for the pool behind the key. */
  codexAccount?: Hono<GatewayEnv>;
  /** Codex's Responses websocket (codex-socket.ts). */
  sockets?: CodexSocketRelay;
};

/**
 * One line, shaped as Anthropic's errors (Claude Code reads `type: "error"`) and readable by OpenAI clients;
 * a refused key is final (`x-should-retry: false`: Claude Code would otherwise retry a 401 for minutes).
 */
function fail(status: number, message: string, type = "authentication_error"): Response {
  const headers = status === 503 ? undefined : { "x-should-retry": "false" };
  return Response.json({ type: "error", error: { type, message } }, { status, headers });
}

/**
 * The gateway's listener: probes without a key, then every route behind a gateway key. Admin routes are answered
 * here; the rest is the proxy's own routes (Codex under /backend-api/, Claude Code and OpenAI clients under /v1/),
 * passed to the in-process proxy on loopback with its launch secret in place of the gateway key.
 */
export function frontDoor(deps: FrontDoorDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/livez", (c) => c.json({ ok: true, instance: deps.instance }));
  app.get("/readyz", (c) => {
    const r = deps.ready();
    return c.json({ instance: deps.instance, ...r }, r.ready ? 200 : 503);
  });
  if (deps.codexLogin) app.route("/", deps.codexLogin);
  app.use("*", async (c, next) => {
    const check = await deps.keys.check(presentedKey(c.req.raw.headers));
    if (!check.ok)
      return fail(check.status, check.message, check.status === 503 ? "service_unavailable" : "authentication_error");
    c.set("role", check.role);
    c.set("name", check.name);
    // Who may call what: route-access.ts, one table for every route.
    const route = routeVerdict(c.req.method, new URL(c.req.url).pathname, check.role);
    if (!route.ok)
      return fail(route.status, route.message, route.status === 404 ? "not_found_error" : "permission_error");
    await next();
  });
  // Which key this is (any role): `prodex gateway login` checks a key with it before storing it.
  app.get("/gateway/v1/whoami", (c) => c.json({ instance: deps.instance, role: c.get("role"), name: c.get("name") }));
  app.route("/gateway/v1", deps.admin);
  app.get("/metrics", (c) => {
    return c.body(deps.metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  if (deps.codexAccount) app.route("/", deps.codexAccount);
  app.all("*", async (c) => {
    const req = c.req.raw;
    if (deps.sockets && req.method === "GET" && req.headers.get("upgrade")?.toLowerCase() === "websocket")
      return deps.sockets.upgrade(req, c.get("name"));
    if (req.method !== "POST") return forward(req, deps.backend(), undefined, c.get("name"));
    // A key over its own limit is refused here, in its client's shape; the other keys go on.
    const verdict = await deps.limits(c.get("name"));
    if (!verdict.ok) return limitAnswer(clientOfPath(new URL(req.url).pathname), c.get("name"), verdict, Date.now());
    let body: RequestBody;
    try {
      body = await readRequestBody(req);
    } catch (e) {
      return fail(
        e instanceof BodyError ? e.status : 400,
        `prodex gateway: ${e instanceof Error ? e.message : "cannot read the request body"}`,
        "invalid_request_error",
      );
    }
    const path = new URL(req.url).pathname;
    // Codex's body read as the proxy's Codex routes read it (scanned, not parsed); the other clients' parsed.
    const keys =
      clientOfPath(path) === "codex"
        ? codexAffinity(req.headers, body.text)
        : extractAffinity(req.headers, body.json());
    const early = await deps.continuations(path, keys);
    return early ?? forward(req, deps.backend(), body, c.get("name"));
  });
  return app;
}

/**
 * A request handed to the in-process proxy: no second socket, no second copy of the stream, and a body read here
 * is not read (decoded, parsed) again there.
 */
export async function forward(
  req: Request,
  backend: Backend,
  body: RequestBody | undefined,
  caller: string,
): Promise<Response> {
  const to = backendRequest(req, backend, caller);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  if (body) to.headers.set("content-length", String(body.bytes.byteLength));
  const out = new Request(to.url, {
    method: req.method,
    headers: to.headers,
    body: body ? body.bytes : hasBody ? req.body : undefined,
    redirect: "manual",
    signal: req.signal,
  });
  return backend.fetch(body ? handOverBody(out, body) : out);
}

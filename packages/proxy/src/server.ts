import { randomBytes } from "node:crypto";
import type { LedgerRow } from "@prodex/store";
import type { Context } from "@prodex/core";
import type { Server } from "bun";
import { type Context as HonoContext, Hono } from "hono";
import { routePath } from "hono/route";
import { Bindings } from "./affinity/bindings.ts";
import { adminRoutes } from "./broker/admin-routes.ts";
import type { LeaseTable } from "./broker/lease-table.ts";
import type { LaunchScope, ProxyEnv } from "./engine/launch-scope.ts";
import type { ProxyState } from "./engine/proxy-state.ts";
import { ProxyMetrics } from "./metrics/proxy-metrics.ts";
import type { MetricFamily } from "./metrics/prometheus-text.ts";
import { scrapeGauges } from "./metrics/scrape-gauges.ts";
import { PoolRuntime } from "./pool/pool-runtime.ts";
import { DEFAULT_QUOTA_REFRESH, QuotaRefresher, type QuotaRefreshOptions } from "./pool/quota-refresher.ts";
import { DEFAULT_HOLD, type HoldLimits } from "./rotation/commit-point.ts";
import { ACCESS_TOKENS_PER_PROFILE, RecentTokens, observeLogins } from "./engine/recent-tokens.ts";
import { controlRoute, eventsRoute, stateJson } from "./routes/admin.ts";
import { accountsCheck, pooledUsage } from "./routes/chatgpt-local.ts";
import { codexInference, passThrough, upstreamPath } from "./routes/codex-routes.ts";
import {
  type Authenticate,
  LAUNCH_KEY_HEADER,
  hostGuard,
  pathId,
  pathIdGuard,
  pathSecretGuard,
  sameSecret,
  secretAuth,
  unauthorized,
} from "./routes/guards.ts";
import { metricsRoute } from "./routes/metrics-route.ts";
import { keylessGuard } from "./routes/keyless.ts";
import { oauthToken } from "./routes/oauth-token.ts";
import { type ClaudeOptions, anthropicRoutes, claudeRouteOptions } from "./routes/anthropic-routes.ts";
import { OPENAI_BASE_PATH, type OpenAIRouteOptions, openaiKeyGuard, openaiRoutes } from "./routes/openai-routes.ts";
import { IdleCollector } from "./runtime/idle-gc.ts";
import { RuntimeLog } from "./runtime/runtime-log.ts";
import { DEFAULT_STALL_MS } from "./stream/upstream-stream.ts";
import { BODY_READ_MS, withBodyDeadline } from "./upstream/body-deadline.ts";
import { type CodexWebsocket, type WsData, codexWebsocket } from "./websocket/codex-websocket.ts";

export type ProxyOptions = {
  ctx: Context;
  /** The real ChatGPT base, e.g. https://chatgpt.com/backend-api. */
  upstreamBase: string;
  /** The profile to start on (the launch's `--profile` or the current one). */
  preferred: string | null;
  autoRotate?: boolean;
  port?: number;
  secret?: string;
  hold?: HoldLimits;
  maxAttempts?: number;
  rotateBudgetMs?: number;
  /** Upstream silence after which an answer counts as stalled: moved before the commit point, ended after it (default 300 s, Codex's own idle limit). */
  stallMs?: number;
  logFormat?: "text" | "json";
  /** A request body not fully received this long after the request is answered 408 (default 60 s; tests shorten it). */
  bodyReadMs?: number;
  fetch?: typeof fetch;
  /** Reload shared pool state this often (0 = never; tests). */
  syncMs?: number;
  /** Background usage fetches for accounts the pool knows too little about (false = off). */
  quotaRefresh?: QuotaRefreshOptions | false;
  /** Claude Code's Anthropic routes at the root: model mapping, keep-alive interval. */
  claude?: ClaudeOptions;
  /** The OpenAI-compatible routes under `/openai/v1`: which optional fields the upstream takes, model-list reuse. */
  openai?: OpenAIRouteOptions;
  /** Run as the shared broker: launches' leases instead of one launch secret, plus `/__admin`. */
  broker?: BrokerMount;
  /** Told each usage-ledger row as it is recorded (the team gateway sends them on to PostgreSQL). */
  onRequest?: (row: LedgerRow) => void;
  /** Whether the proxy's own answers (the pool is out, a conversation's account cannot serve) name accounts
   * (default true; the team gateway's callers must not learn them). */
  accountsInAnswers?: boolean;
};

export type BrokerMount = {
  leases: LeaseTable;
  adminSecret: string;
  startedAt: number;
  /** True once the broker decided to exit (no new leases). */
  closing: () => boolean;
  alive: (pid: number) => boolean;
};

/** What a launch points its agent and dashboard at: one proxy, one launch secret. */
export type LaunchEndpoints = {
  url: string;
  port: number;
  /** The launch's secret (in-process: the proxy's; on a broker: its lease's). Only ever in the child's environment. */
  secret: string;
  /** pathId(secret): names the launch in Codex's URLs, which other users can read in its arguments. */
  pathId: string;
  /** `openai_base_url` / provider base for Codex (`/s/<path id>/…`): needs `codexHeaders` as well. */
  codexBaseUrl: string;
  /** `chatgpt_base_url` for Codex (trailing slash, as Codex joins paths onto it). */
  chatgptBaseUrl: string;
  /** What a client of `codexBaseUrl` sends (Codex: `env_http_headers` from PRODEX_LAUNCH_KEY). */
  codexHeaders: Record<string, string>;
  /** Where the launched Codex refreshes its token (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`; carries the secret). */
  refreshUrl: string;
  /** Any OpenAI-compatible client (Responses, Chat Completions, models): the secret is its API key. */
  openaiBaseUrl: string;
  /** The dashboards' feed, state and controls (carry the secret). */
  eventsUrl: string;
  /** `GET /metrics` (Prometheus text): the secret goes as `Authorization: Bearer`, never in this URL. */
  metricsUrl: string;
  stateUrl: string;
  controlUrl: string;
  runtimeLogPath: string;
};

/** Pure: a launch's URLs on the proxy at `url` for `secret`. */
export function launchEndpoints(url: string, secret: string, runtimeLogPath: string): LaunchEndpoints {
  const id = pathId(secret);
  const named = `${url}/s/${id}`;
  const keyed = `${url}/k/${secret}`;
  return {
    url,
    port: Number(new URL(url).port),
    secret,
    pathId: id,
    codexBaseUrl: `${named}/backend-api/codex`,
    chatgptBaseUrl: `${named}/backend-api/`,
    codexHeaders: { [LAUNCH_KEY_HEADER]: secret },
    refreshUrl: `${keyed}/oauth/token`,
    openaiBaseUrl: `${url}${OPENAI_BASE_PATH}`,
    eventsUrl: `${keyed}/__prodex/events`,
    metricsUrl: `${url}/metrics`,
    stateUrl: `${keyed}/__prodex/state`,
    controlUrl: `${keyed}/__prodex/control`,
    runtimeLogPath,
  };
}

export type ProxyHandle = LaunchEndpoints & {
  /** The address the server reports it is bound to (always loopback). */
  hostname: string;
  state: ProxyState;
  /** Fetches stale accounts' usage now (also runs in the background). */
  refreshQuota(): Promise<void>;
  /** What `GET /metrics` shows, as families (a team gateway adds its own and renders them together). */
  metrics(): MetricFamily[];
  /**
   * Serves one HTTP request in-process, as the listener would (a team gateway's front door: no loopback hop), but
   * without the listener's body deadline: the caller bounds its own client's body (withBodyDeadline) or holds it.
   */
  fetch(req: Request): Promise<Response>;
  stop(options?: { drainMs?: number }): Promise<void>;
};

export async function startProxy(options: ProxyOptions): Promise<ProxyHandle> {
  const { ctx } = options;
  const secret = options.secret ?? randomBytes(24).toString("base64url");
  // The timeline, bindings and pool bookkeeping are written in batches by a worker thread with its
  // own connection from here on: no request waits on the database, a WAL checkpoint or a lock.
  ctx.events.useBuffered();
  await ctx.writeOffThread();
  // What still touches the store on this thread (reads, a refresh's bookkeeping) is best effort: a
  // lock another process holds may cost one write, never the event loop for the 10 s default.
  ctx.store.busyTimeout(PROXY_BUSY_TIMEOUT_MS);
  const log = new RuntimeLog(
    ctx.paths.runtimeLogDir,
    options.logFormat ?? (ctx.env.PRODEX_RUNTIME_LOG_FORMAT === "json" ? "json" : "text"),
    ctx.paths.runtimeLogPointer,
    ctx.faults,
  );
  const pool = new PoolRuntime(ctx, {
    preferred: options.preferred,
    autoRotate: options.autoRotate ?? true,
    syncMs: options.syncMs,
  });
  const state: ProxyState = {
    ctx,
    pool,
    bindings: new Bindings(ctx),
    log,
    upstreamBase: options.upstreamBase.replace(/\/+$/, ""),
    hold: options.hold ?? DEFAULT_HOLD,
    maxAttempts: options.maxAttempts ?? Math.max(3, Math.min(8, pool.names().length + 1)),
    rotateBudgetMs: options.rotateBudgetMs ?? 90_000,
    stallMs: options.stallMs ?? DEFAULT_STALL_MS,
    fetch: options.fetch ?? fetch,
    metrics: new ProxyMetrics(),
    onRequest: options.onRequest,
    accountsInAnswers: options.accountsInAnswers ?? true,
    refreshTokens: new RecentTokens(),
    accessTokens: new RecentTokens(Number.POSITIVE_INFINITY, ACCESS_TOKENS_PER_PROFILE),
  };
  let server: Server<WsData> | null = null;
  const ws = codexWebsocket(state);
  // In-process the one launch secret is the only key; a broker takes any live lease's.
  const launch: LaunchScope = { id: "launch", profile: options.preferred, autoRotate: true, models: null };
  const broker = options.broker;
  const auth: Authenticate = broker
    ? { secret: (given) => broker.leases.authenticate(given), pathId: (given) => broker.leases.authenticatePath(given) }
    : secretAuth(secret, launch);
  // The refresh tokens a launched Codex may present: what each profile holds now, and held lately.
  observeLogins(state);
  const watchLogins = setInterval(() => observeLogins(state), LOGIN_WATCH_MS);
  watchLogins.unref?.();
  const startedAt = broker?.startedAt ?? ctx.now();
  const families = () =>
    state.metrics.families(
      scrapeGauges(state, { startedAt, wsOpen: ws.count(), leases: broker ? broker.leases.size : null }),
    );
  const unobserve = ctx.events.subscribe((e) => state.metrics.event(e));
  const stopLagProbe = state.metrics.probeLag();
  // In-process the launch's secret opens `/metrics`; on a broker, the admin secret (its 0600 file).
  const metrics = broker
    ? metricsRoute((given) => sameSecret(given, broker.adminSecret), families, "the broker's admin secret")
    : metricsRoute((given) => auth.secret(given) !== null, families, "the proxy's secret");
  const app = createApp(state, auth, () => server?.port ?? 0, ws, metrics);
  if (broker) {
    app.route(
      "/__admin/:secret",
      adminRoutes(state, {
        ...broker,
        secret: broker.adminSecret,
        url: () => `http://127.0.0.1:${server?.port ?? 0}`,
        runtimeLog: log.path,
        metrics: families,
      }),
    );
  }
  app.route("/", anthropicRoutes(state, auth, claudeRouteOptions(options.claude)));
  app.use(`${OPENAI_BASE_PATH}/*`, openaiKeyGuard(auth));
  app.route(OPENAI_BASE_PATH, openaiRoutes(state, options.openai));
  const idle = new IdleCollector({ inFlight: () => (server?.pendingRequests ?? 0) + ws.inFlight() });
  const serveOne = (req: Request): Response | Promise<Response> => {
    idle.touch();
    return app.fetch(req);
  };
  server = Bun.serve<WsData>({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    // Streams may sit quiet while a model thinks; the proxy never cuts them for idleness.
    idleTimeout: 0,
    fetch: (req) => serveOne(withBodyDeadline(req, options.bodyReadMs ?? BODY_READ_MS)),
    websocket: {
      ...ws.handlers,
      message: (socket, message) => {
        idle.touch();
        ws.handlers.message?.(socket, message);
      },
    },
    error: (error) => {
      log.line("error", "unhandled proxy error", { error: error.message });
      return Response.json(
        { error: { type: "server_error", message: "prodex proxy internal error" } },
        { status: 500 },
      );
    },
  });
  const refresher =
    options.quotaRefresh === false ? null : new QuotaRefresher(state, options.quotaRefresh ?? DEFAULT_QUOTA_REFRESH);
  refresher?.start();
  idle.start();
  ws.bind(server);
  const port = server.port ?? 0;
  const url = `http://127.0.0.1:${port}`;
  ctx.events.emit({
    kind: "proxy.started",
    message: `proxy listening on 127.0.0.1:${port} → ${state.upstreamBase}`,
    data: { port },
  });
  log.line("info", "proxy started", {
    port,
    upstream: state.upstreamBase,
    preferred: options.preferred ?? "-",
    autoRotate: pool.autoRotate,
  });

  let stopped = false;
  return {
    ...launchEndpoints(url, secret, log.path),
    fetch: async (req) => serveOne(req),
    metrics: families,
    hostname: server.hostname ?? "",
    state,
    refreshQuota: () => refresher?.refreshStale() ?? Promise.resolve(),
    async stop(stopOptions = {}) {
      if (stopped) return;
      stopped = true;
      ws.closeAll();
      const drain = server?.stop(false);
      if (drain) await Promise.race([drain, Bun.sleep(stopOptions.drainMs ?? 2_000)]);
      server?.stop(true);
      refresher?.stop();
      idle.stop();
      clearInterval(watchLogins);
      stopLagProbe();
      unobserve();
      pool.close();
      ctx.events.emit({ kind: "proxy.stopped", message: `proxy on port ${port} stopped` });
      // Nothing lost: the worker writes what it holds; anything it could not is retried here.
      await ctx.writeOnThread();
      ctx.writes.drain();
      log.line("info", "proxy stopped", { port });
      log.flush();
    },
  };
}

/** How long one of the proxy's store writes waits for another process's lock (bun:sqlite blocks the thread meanwhile). */
const PROXY_BUSY_TIMEOUT_MS = 200;

/** How often the proxy notes the refresh token each profile holds (a stat per profile; see `observeLogins`). */
const LOGIN_WATCH_MS = 30_000;

function createApp(
  state: ProxyState,
  auth: Authenticate,
  port: () => number,
  ws: CodexWebsocket,
  metricsRoute: (c: HonoContext) => Response,
): Hono<ProxyEnv> {
  // `/s/<path id>`: Codex's URLs, readable in its arguments. Without the launch header only the
  // ChatGPT routes Codex calls without it open (launchKeyGuard); inference needs both.
  const s = new Hono<ProxyEnv>();
  s.use("/backend-api/*", keylessGuard(state));
  s.get("/backend-api/codex/responses", ws.route);
  s.get("/backend-api/wham/accounts/check", (c) => accountsCheck(state, c));
  s.get("/backend-api/wham/usage", (c) => pooledUsage(state, c));
  s.post("/backend-api/codex/responses", (c) =>
    codexInference(state, c, upstreamPath(c, "/backend-api"), true, c.get("scope")),
  );
  s.post("/backend-api/codex/responses/compact", (c) =>
    codexInference(state, c, upstreamPath(c, "/backend-api"), false, c.get("scope")),
  );
  s.all("/backend-api/*", (c) => passThrough(state, c, upstreamPath(c, "/backend-api"), c.get("scope")));

  // `/k/<secret>`: URLs that live only in environments and in-process (refresh, dashboards).
  const k = new Hono<ProxyEnv>();
  k.post("/oauth/token", (c) => oauthToken(state, c, c.get("scope")));
  k.get("/__prodex/state", () => stateJson(state));
  k.get("/__prodex/events", (c) => eventsRoute(state, c));
  k.post("/__prodex/control", (c) => controlRoute(state, c));

  const app = new Hono<ProxyEnv>();
  // The matched route pattern, never the path: secrets ride in paths.
  app.use("*", async (c, next) => {
    await next();
    state.metrics.answered(routeLabel(routePath(c)), c.res.status);
  });
  app.use("*", hostGuard(port));
  app.get("/metrics", metricsRoute);
  app.use("/s/:pathId/*", pathIdGuard(auth));
  app.route("/s/:pathId", s);
  app.use("/k/:secret/*", pathSecretGuard(auth));
  app.route("/k/:secret", k);
  // A guarded path that never met its guard (no secret segment at all) is refused as unauthenticated.
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    if ((c.get("scope") === undefined && UNSCOPED.test(path)) || NO_ADMIN_SECRET.test(path)) return unauthorized();
    return c.json({ error: { type: "not_found", message: "prodex proxy: unknown route" } }, 404);
  });
  app.onError((error, c) => {
    state.log.line("error", "route failed", { path: redactPath(new URL(c.req.url).pathname), error: error.message });
    return c.json(
      { error: { type: "server_error", message: "prodex proxy: internal error while handling the request" } },
      500,
    );
  });
  return app;
}

const UNSCOPED = /^\/(s|k|backend-api|oauth|__prodex)(\/|$)/;
/** `/__admin`, `/__admin/x`, `/__admin//…`: too short to carry an admin secret and a route. */
const NO_ADMIN_SECRET = /^\/__admin(\/[^/]*)?$|^\/__admin\/\//;

/** `/s/<path id>/…`, `/k/<secret>/…` and `/__admin/<secret>/…` with the credential masked (log lines). */
export function redactPath(path: string): string {
  return path.replace(/^\/(s|k|__admin)\/[^/]+/, "/$1/***");
}

function routeLabel(pattern: string): string {
  return pattern.replace(/^\/(s\/:pathId|k\/:secret|__admin\/:secret)/, "") || "/";
}

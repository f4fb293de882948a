/** createMockBackend: wire the routes onto Bun.serve (loopback, port 0 by default). */
import { Hono, type Context } from "hono";
import { blockingWindow, windowState } from "./accounts.ts";
import { adminRoutes } from "./admin.ts";
import { chatgptRoutes, type Env } from "./chatgpt-routes.ts";
import { invalidRequestBody, notFoundBody } from "./error-bodies.ts";
import { checkFault } from "./faults.ts";
import { MockError } from "./errors.ts";
import { handleToken } from "./oauth.ts";
import { recordBody, recordHeaders } from "./recorder.ts";
import { handleCompact, handleResponses } from "./responses-route.ts";
import { MockState } from "./state.ts";
import type { AuthJson, MockAccountState, MockBackend, MockOptions } from "./types.ts";
import { RESPONSES_PATH, isUpgrade, upgrade, websocketHandler, type WsData } from "./websocket.ts";

export const DEFAULT_ACCOUNTS = [{ id: "acct-mock-1" }];

function snapshot(state: MockState): MockAccountState[] {
  const now = Date.now();
  return state.accounts.all().map((a) => ({
    id: a.accountId,
    email: a.email,
    plan: a.plan,
    userId: a.userId,
    primary: windowState(a.primary, now),
    secondary: a.secondary ? windowState(a.secondary, now) : null,
    costPercent: a.costPercent,
    exhausted: blockingWindow(a) !== null,
    pendingFaults: a.faults.length,
    counters: { ...a.counters },
    tokens: state.tokens.current(a.accountId),
  }));
}

/** Record routes that do not record themselves (everything but inference, oauth and admin). */
function recorded(state: MockState) {
  return async (c: Context<Env>, next: () => Promise<void>) => {
    const raw = c.req.raw;
    let body: unknown = null;
    if (raw.method !== "GET" && raw.method !== "HEAD") {
      try {
        const text = await raw.clone().text();
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
    }
    await next();
    const url = new URL(raw.url);
    state.record({
      transport: "http",
      method: raw.method,
      path: url.pathname,
      query: url.search,
      headers: recordHeaders(raw.headers),
      body: recordBody(body),
      accountId: c.get("accountId") ?? raw.headers.get("chatgpt-account-id"),
      status: c.res.status,
    });
  };
}

export async function createMockBackend(options: MockOptions = {}): Promise<MockBackend> {
  const state = new MockState(options);
  for (const init of options.accounts ?? DEFAULT_ACCOUNTS) state.accounts.add(init);

  const app = new Hono<Env>();
  app.post(RESPONSES_PATH, (c) => handleResponses(state, c.req.raw));
  app.post(`${RESPONSES_PATH}/compact`, (c) => handleCompact(state, c.req.raw));
  app.post("/oauth/token", (c) => handleToken(state, c.req.raw));

  const mock: MockBackend = {
    url: "",
    baseUrl: "",
    refreshUrl: "",
    accounts: () => snapshot(state),
    addAccount: (init) => void state.accounts.add(init),
    setUsage: (id, primary, secondary) => state.accounts.setUsage(id, primary, secondary),
    exhaust: (id, resetsInSeconds) => state.accounts.exhaust(id, resetsInSeconds),
    fault: (id, ...faults) => void state.accounts.must(id).faults.push(...faults.map(checkFault)),
    authFile: (id, opts) => authFile(state, id, opts?.expiresInSeconds),
    requests: (filter) => state.log.list(filter),
    refreshCalls: (id) => (id === undefined ? state.refreshCalls : state.accounts.must(id).counters.refreshes),
    setOptions: (patch) => {
      if (patch.stream) state.settings.stream = { ...patch.stream };
      if (patch.rates) state.setRates(patch.rates);
      if (patch.reply !== undefined) state.settings.reply = patch.reply;
      if (patch.websocket) state.settings.websocket = { ...patch.websocket };
    },
    stop: async () => {
      state.live.abort();
      await server.stop(true);
    },
  };

  app.route(
    "/",
    adminRoutes(mock, () => state.activeStreams),
  );
  const routes = new Hono<Env>();
  routes.use("*", recorded(state));
  routes.route("/", chatgptRoutes(state));
  app.route("/", routes);
  app.notFound((c) => c.json(notFoundBody(c.req.path), 404));
  // A bug in the mock answers 500 with a body instead of crashing the test run.
  app.onError((err, c) =>
    c.json(
      invalidRequestBody("mock_error", `mock backend error: ${err.message}`),
      err instanceof MockError ? 400 : 500,
    ),
  );

  const server = Bun.serve<WsData>({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    // Streams are paced by the mock itself; Bun's idle timeout must not cut slow tests short.
    idleTimeout: 0,
    fetch(req, srv) {
      if (isUpgrade(req) && new URL(req.url).pathname === RESPONSES_PATH) return upgrade(state, req, srv);
      return app.fetch(req);
    },
    websocket: websocketHandler(state),
  });
  state.url = `http://127.0.0.1:${server.port}`;
  mock.url = state.url;
  mock.baseUrl = `${state.url}/backend-api`;
  mock.refreshUrl = `${state.url}/oauth/token`;
  return mock;
}

function authFile(state: MockState, id: string, expiresInSeconds?: number): AuthJson {
  const account = state.accounts.must(id);
  const t = state.tokens.login(account, expiresInSeconds ?? state.settings.ttlSeconds);
  return {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: { id_token: t.idToken, access_token: t.accessToken, refresh_token: t.refreshToken, account_id: id },
    last_refresh: new Date().toISOString(),
  };
}

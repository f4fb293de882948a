import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectRoutes } from "hono/dev";
import { Context, type TokenSource } from "@prodex/core";
import { type AffinityKeys, BODY_READ_MS, type ProxyHandle, startProxy, withBodyDeadline } from "@prodex/proxy";
import type { LedgerRow } from "@prodex/store";
import { GatewayStore } from "@prodex/store/pg";
import { asProdexError } from "../errors.ts";
import { loadSecretKeyRing } from "../secrets/secret-key.ts";
import { TokenVault } from "../secrets/token-vault.ts";
import { adminRoutes } from "./admin-routes.ts";
import { codexAccountRoutes, codexLoginRoutes } from "./codex-account-routes.ts";
import { CodexSocketRelay } from "./codex-socket.ts";
import { resolveContinuation } from "./continuations.ts";
import { DbHealth } from "./db-health.ts";
import { frontDoor } from "./front-door.ts";
import { InstanceKeys } from "./instance-keys.ts";
import { InstanceRegistry } from "./instance-registry.ts";
import { KeyAuth } from "./key-auth.ts";
import { KeyLimiter } from "./key-limiter.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";
import { clientOfPath } from "./limit-answer.ts";
import { LimitNotices } from "./limit-events.ts";
import { LocalMirror } from "./local-mirror.ts";
import { KeyUsage } from "./key-usage.ts";
import { PoolControl } from "./pool-control.ts";
import { withPoolCounters } from "./pool-counters.ts";
import { TimelineFeed } from "./timeline-feed.ts";
import { takesNewWork } from "./share-check.ts";
import { SharedCache } from "./shared-cache.ts";
import { SharedTokens } from "./shared-tokens.ts";
import { unavailableAnswer } from "./unavailable-answer.ts";
import { WriteBehind } from "./write-behind.ts";

export type GatewayOptions = {
  databaseUrl: string;
  env: Record<string, string | undefined>;
  hostname?: string;
  port?: number;
  /** The ChatGPT base upstream (https://chatgpt.com/backend-api, or a mock). */
  upstreamBase: string;
  refreshUrl: string;
  version: string;
  tls?: { cert: string; key: string };
  fetch?: typeof fetch;
  /** How long a silent instance stays registered (default 15 s). */
  instanceLeaseMs?: number;
  /** Database connections for queries (default 10; one more is held for LISTEN). */
  poolSize?: number;
  /** How long a client may take to send a request body (default 60 s, as the proxy's listener). */
  bodyReadMs?: number;
};

export type GatewayHandle = {
  url: string;
  instance: string;
  proxy: ProxyHandle;
  tokens: SharedTokens;
  queue: WriteBehind;
  health: DbHealth;
  /** The instance's copy of the shared pool (tests read its reload counts). */
  cache: SharedCache;
  /** Codex's websockets relayed to the proxy (tests read what a slow Codex leaves buffered). */
  sockets: CodexSocketRelay;
  ready(): { ready: true } | { ready: false; reason: string };
  /** Every route the listener registers, as `METHOD path` (what route-access.ts must classify). */
  routes(): string[];
  /** Re-reads the secret key file (SIGHUP): the ids of the keys now held, or one clear line (the old ones kept). */
  reloadKeys(): Promise<string[]>;
  stop(): Promise<void>;
};

/** How far back a starting instance loads shared bindings (a conversation idle longer re-binds on its next turn). */
const BINDINGS_LOOKBACK_MS = 24 * 3_600_000;

/**
 * One gateway instance: the proxy (its one rotation loop, unchanged) over an instance-private local store that
 * PostgreSQL keeps current, tokens from the database (sealed; refresh single-flight across hosts), and a listener
 * that takes gateway keys. Refuses to start on a schema that is behind or a wrong secret key.
 */
export async function startGateway(o: GatewayOptions): Promise<GatewayHandle> {
  const instance = `gw-${randomUUID().slice(0, 8)}`;
  const store = GatewayStore.open(o.databaseUrl, { max: o.poolSize ?? 10 });
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    await store.assertSchema();
    const ring = loadSecretKeyRing(o.env);
    const vault = await TokenVault.open(store, ring.keys);
    const health = new DbHealth(store);
    const cache = new SharedCache(store, health, instance);
    const secretKeys = new InstanceKeys(vault, o.env, ring.file !== null, store, cache, health, instance);
    const queue = new WriteBehind(
      store,
      health,
      undefined,
      (rows) =>
        void cache.publish({
          t: "bindings",
          from: instance,
          rows: rows.map((r) => ({ k: r.kind, key: r.key, a: r.account, e: r.expiresAt })),
        }),
      (what) => void cache.publish({ ...what, from: instance }),
    );
    const timeline = new TimelineFeed(store, health);
    const keyUsage = new KeyUsage(store, health);
    const dir = mkdtempSync(join(o.env.TMPDIR ?? tmpdir(), `prodex-gateway-${instance}-`));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "homes"), { recursive: true, mode: 0o700 });
    let ctx: Context | null = null;
    const tokens = new SharedTokens(cache, store, vault, health, {
      refreshUrl: o.refreshUrl,
      fetch: o.fetch,
      instance,
      onRefreshed: (name) =>
        ctx?.events.emit({
          kind: "token.refreshed",
          profile: name,
          message: `refreshed ${name}'s token (gateway ${instance})`,
        }),
      onNeedsLogin: (name, why) =>
        ctx?.events.emit({
          kind: "auth.needs_login",
          level: "error",
          profile: name,
          message: `${name} needs login (${why}): run prodex gateway account login ${name}`,
        }),
    });
    const source: TokenSource = {
      read: (ref) => tokens.cached(ref.name),
      current: (ref) => tokens.current(ref.name),
      afterUnauthorized: (ref, rejected) => tokens.afterUnauthorized(ref.name, rejected),
    };
    const localEnv = {
      ...o.env,
      PRODEX_HOME: join(dir, "home"),
      PRODEX_RUNTIME_LOG_DIR: o.env.PRODEX_RUNTIME_LOG_DIR ?? join(dir, "logs"),
    };
    ctx = new Context({ env: localEnv, source: `gateway:${instance}`, tokens: source, fetch: o.fetch });
    const local = ctx;
    cleanup.push(() => local.close());
    const mirror = new LocalMirror(local, cache, queue, instance, join(dir, "homes"));
    const keys = new KeyAuth(store, health);
    const limiter = new KeyLimiter(store, health, Date.now, () =>
      [...cache.accounts.values()].map((a) => ({ name: a.name, open: takesNewWork(a) })),
    );
    await limiter.reload();
    await cache.start();
    cleanup.push(() => cache.stop());
    mirror.syncAccounts();
    for (const b of await store.bindings.recent(Date.now() - BINDINGS_LOOKBACK_MS))
      mirror.applyBinding(b.kind, b.key, b.account, b.expiresAt);
    // Until the proxy runs (then the stored pin and rotation switch are read again too, below).
    cache.onReloaded = () => mirror.syncAccounts();
    cache.onUsage = () => mirror.usageChanged();
    let control: PoolControl | null = null;
    cache.on((n) => {
      if (n.t === "backoff" || n.t === "backoff-clear") mirror.syncBackoffs();
      else if (n.t === "bindings" && n.from !== instance)
        for (const r of n.rows) mirror.applyBinding(r.k, r.key, r.a, r.e);
      else if (n.t === "key") {
        keys.forget();
        void limiter.reload();
      } else if (n.t === "pool") control?.apply(n);
      else if (n.t === "events") timeline.poke();
      else void secretKeys.receive(n);
    });

    // Every event the proxy writes goes to the shared timeline too (subscribed before it starts: none missed).
    local.events.subscribe((e) => mirror.observe(e));
    const first = [...cache.accounts.values()].find((a) => !a.needsLogin)?.name ?? null;
    // Each usage-ledger row goes to PostgreSQL behind the request, and counts against its key's daily tokens.
    const metrics = new GatewayMetrics(instance);
    const onRequest = (row: LedgerRow) => {
      queue.ledger(row);
      limiter.served(row);
      metrics.observe(row);
    };
    const proxy = await startProxy({
      ctx: local,
      upstreamBase: o.upstreamBase,
      preferred: first,
      fetch: o.fetch,
      quotaRefresh: false,
      onRequest,
      // A gateway key never learns an account from the proxy's own answers (route-access.ts: what a key sees).
      accountsInAnswers: false,
    });
    // The pool-wide pin and pause, applied to this proxy as the local dashboard's control applies them.
    const pool = new PoolControl(store, cache, proxy.state.pool, health);
    control = pool;
    await pool.load();
    cache.onReloaded = () => {
      mirror.syncAccounts();
      void pool.load();
    };
    cleanup.unshift(() => proxy.stop({ drainMs: 0 }));
    mirror.onChanged = () => proxy.state.pool.reload();
    mirror.liveUsage = () => proxy.state.pool.snapshot().profiles;
    // Bindings Codex and Claude Code made through this instance go out; notifications bring the others'.
    cleanup.unshift(proxy.state.bindings.onBound((kind, key, a, at, e) => mirror.bound(kind, key, a, at, e)));
    mirror.learn = (kind, key, a, e) => proxy.state.bindings.learn(kind, key, a, e);
    mirror.start();
    queue.start();
    limiter.start();
    health.start();
    health.onChange((up) => {
      if (up) void cache.reload().catch((e) => health.failed(e));
    });

    let stopping = false;
    const ready = () => {
      if (stopping) return { ready: false as const, reason: "stopping" };
      const h = health.current;
      if (!h.ok)
        return {
          ready: false as const,
          reason: `${h.reason} since ${new Date(h.since).toISOString()}; serving what this instance holds`,
        };
      if (!cache.listening) return { ready: false as const, reason: "not subscribed to gateway notifications" };
      if (secretKeys.problem) return { ready: false as const, reason: secretKeys.problem };
      return { ready: true as const };
    };
    const registry = new InstanceRegistry(store, health, instance, o.instanceLeaseMs, () => {
      const r = ready();
      return r.ready ? null : r.reason;
    });
    const continuations = async (path: string, keys: AffinityKeys): Promise<Response | null> => {
      const r = await resolveContinuation(
        keys,
        (kind, key) => proxy.state.bindings.lookup(kind, key),
        (k, key, a, e) => mirror.applyBinding(k, key, a, e),
        store,
        health,
      );
      return r.kind === "unavailable" ? unavailableAnswer(clientOfPath(path), r.message) : null;
    };
    const backend = () => ({ url: proxy.url, secret: proxy.secret, pathId: proxy.pathId, fetch: proxy.fetch });
    // A key refused for its own limit is on the shared timeline, once per limit period (limit-events.ts).
    const notices = new LimitNotices((e) => local.events.emit(e));
    const limits = async (key: string) => {
      const verdict = await limiter.admit(key);
      notices.observe(key, verdict);
      return verdict;
    };
    const sockets = new CodexSocketRelay({ backend, limits, continuations });
    const app = frontDoor({
      continuations,
      instance,
      keys,
      backend,
      codexLogin: codexLoginRoutes(keys),
      codexAccount: codexAccountRoutes(() => proxy.state.pool),
      sockets,
      ready,
      admin: adminRoutes(store, registry, {
        // The accounts' counters are the whole pool's (the ledger), not this instance's alone.
        snapshot: () => withPoolCounters(proxy.state.pool.snapshot(), keyUsage.accounts()),
        timeline,
        usage: keyUsage,
        control: pool,
      }),
      limits,
      metrics: () => {
        const backlog = queue.ledgerBacklog(Date.now());
        return metrics.text(proxy.metrics(), {
          ledgerPending: backlog.rows,
          ledgerLagSeconds: backlog.lagMs / 1000,
          dbUp: health.current.ok,
        });
      },
    });
    const server = Bun.serve({
      hostname: o.hostname ?? "127.0.0.1",
      port: o.port ?? 0,
      idleTimeout: 0,
      // A client's body has a deadline (idleTimeout 0 keeps streams open): a body sent a byte a second gets a 408.
      fetch: (req) => app.fetch(withBodyDeadline(req, o.bodyReadMs ?? BODY_READ_MS)),
      websocket: sockets.handlers,
      tls: o.tls ? { cert: Bun.file(o.tls.cert), key: Bun.file(o.tls.key) } : undefined,
      error: () =>
        Response.json({ error: { type: "server_error", message: "prodex gateway internal error" } }, { status: 500 }),
    });
    sockets.bind(server);
    cleanup.unshift(() => server.stop(true));
    // Codex is told the instance is going away (1001) and reconnects, through a load balancer to another one.
    cleanup.unshift(() => sockets.closeAll());
    const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
    const url = `${o.tls ? "https" : "http"}://${host}:${server.port}`;
    await registry.register(url, o.version);
    cleanup.unshift(() => registry.stop());
    cleanup.unshift(() => {
      mirror.stop();
      health.stop();
    });
    cleanup.unshift(() => queue.stop());
    cleanup.unshift(() => limiter.stop());
    return {
      url,
      instance,
      proxy,
      tokens,
      queue,
      health,
      cache,
      sockets,
      ready,
      routes: () => inspectRoutes(app).flatMap((r) => (r.isMiddleware ? [] : [`${r.method} ${r.path}`])),
      async reloadKeys() {
        const ids = secretKeys.reload();
        await secretKeys.follow();
        return ids;
      },
      async stop() {
        stopping = true;
        await runAll(cleanup);
        await store.close();
      },
    };
  } catch (e) {
    await runAll(cleanup);
    await store.close();
    throw asProdexError(e);
  }
}

async function runAll(steps: (() => Promise<void> | void)[]): Promise<void> {
  for (const step of steps.splice(0)) {
    try {
      await step();
    } catch {
      // shutdown is best effort: one step failing must not keep the rest from running
    }
  }
}

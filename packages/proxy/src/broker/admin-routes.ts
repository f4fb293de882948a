import { Hono } from "hono";
import type { ProxyState } from "../engine/proxy-state.ts";
import { controlRoute, eventsRoute, stateJson } from "../routes/admin.ts";
import { adminGuard } from "../routes/guards.ts";
import { readSmallJson } from "../upstream/request-body.ts";
import { type BrokerHealth, type LeaseGranted, leaseRequest, renewRequest } from "./admin-schemas.ts";
import { LEASE_HEARTBEAT_MS, type Lease, type LeaseTable } from "./lease-table.ts";
import type { MetricFamily } from "../metrics/prometheus-text.ts";
import { metricsResponse } from "../routes/metrics-route.ts";

export type AdminContext = {
  secret: string;
  leases: LeaseTable;
  /** What the proxy's `/metrics` shows (the same families, here behind the admin secret in the path). */
  metrics: () => MetricFamily[];
  startedAt: number;
  url: () => string;
  runtimeLog: string;
  /** True once the broker decided to exit: no new leases. */
  closing: () => boolean;
  /** Whether a launch's process runs: a lease for one that does not is refused. */
  alive: (pid: number) => boolean;
};

/**
 * A broker's operator and lease endpoints under `/__admin/<admin secret>`: health, metrics
 * (Prometheus text), the pool dashboard's feed, state and control, and the leases launches hold. A wrong secret
 * is a 401 (constant-time compare).
 */
export function adminRoutes(state: ProxyState, admin: AdminContext): Hono {
  const app = new Hono();
  app.use("*", adminGuard(admin.secret));
  app.get("/health", () => Response.json(healthOf(state, admin) satisfies BrokerHealth));
  app.get("/metrics", () => metricsResponse(admin.metrics()));
  // The whole pool's dashboard feed and controls (`prodex dashboard`); a launch's own are under `/k/<its secret>/__prodex`.
  app.get("/events", (c) => eventsRoute(state, c));
  app.get("/state", () => stateJson(state));
  app.post("/control", (c) => controlRoute(state, c));
  app.post("/leases", async (c) => {
    if (admin.closing()) return shuttingDown();
    const parsed = leaseRequest.safeParse(await json(c.req.raw));
    if (!parsed.success) return badLease();
    if (!admin.alive(parsed.data.pid)) return noProcess(parsed.data.pid);
    return Response.json(granted(admin.leases.open(parsed.data), admin), { status: 201 });
  });
  app.put("/leases/:id", async (c) => {
    const parsed = renewRequest.safeParse(await json(c.req.raw));
    if (!parsed.success) return badLease();
    const id = c.req.param("id");
    const held = admin.leases.renew(id);
    if (held) return Response.json(granted(held, admin));
    if (admin.closing() || !parsed.data.secret || !/^[0-9a-f]{12}$/.test(id))
      return Response.json({ error: { type: "not_found", message: "prodex broker: no such lease" } }, { status: 404 });
    const { secret, ...input } = parsed.data;
    // Re-admission is for a launch the broker wrongly gave up on (it slept), never a dead one.
    if (!admin.alive(input.pid)) return noProcess(input.pid);
    return Response.json(granted(admin.leases.open(input, { id, secret }), admin));
  });
  app.delete("/leases/:id", (c) =>
    admin.leases.release(c.req.param("id"))
      ? new Response(null, { status: 204 })
      : Response.json({ error: { type: "not_found", message: "prodex broker: no such lease" } }, { status: 404 }),
  );
  return app;
}

function granted(lease: Lease, admin: AdminContext): LeaseGranted {
  return { id: lease.id, secret: lease.secret, heartbeatMs: LEASE_HEARTBEAT_MS, runtimeLog: admin.runtimeLog };
}

export function healthOf(state: ProxyState, admin: AdminContext): BrokerHealth {
  const now = state.ctx.now();
  const snapshot = state.pool.snapshot();
  return {
    ok: !admin.closing(),
    pid: process.pid,
    url: admin.url(),
    upstream: state.upstreamBase,
    uptimeSeconds: Math.round((now - admin.startedAt) / 1000),
    runtimeLog: admin.runtimeLog,
    leases: admin.leases.list().map((l) => ({
      id: l.id,
      pid: l.pid,
      profile: l.profile,
      autoRotate: l.autoRotate,
      openedAt: l.openedAt,
      beatAt: l.beatAt,
    })),
    profiles: snapshot.profiles.map((p) => ({
      name: p.name,
      status: p.status,
      current: p.current,
      needsLogin: p.needsLogin,
      backoffUntil: p.backoff?.until ?? null,
    })),
  };
}

/** The lease body (a few fields, read within the small-body cap), or null for anything else. */
async function json(req: Request): Promise<unknown> {
  const read = await readSmallJson(req);
  return "error" in read ? null : read.json;
}

function badLease(): Response {
  return Response.json(
    {
      error: {
        type: "invalid_request_error",
        message:
          'prodex broker: expected {"pid": number, "profile": name|null, "autoRotate": boolean, "models"?: {…}|null}',
      },
    },
    { status: 400 },
  );
}

function noProcess(pid: number): Response {
  return Response.json(
    { error: { type: "invalid_request_error", message: `prodex broker: no process ${pid} to hold a lease for` } },
    { status: 409 },
  );
}

function shuttingDown(): Response {
  return Response.json(
    { error: { type: "unavailable", message: "prodex broker: shutting down; start a new one" } },
    { status: 503 },
  );
}

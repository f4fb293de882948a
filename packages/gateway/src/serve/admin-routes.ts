import { Hono } from "hono";
import { isRecord } from "@prodex/guards";
import type { GatewayStore } from "@prodex/store/pg";
import { createKey, listKeys, parseRole, revokeKey, updateKeyLimits } from "../admin/api-keys.ts";
import { limitsFromJson } from "../admin/key-limits-input.ts";
import { listAccounts, removeAccount } from "../admin/accounts.ts";
import { asProdexError } from "../errors.ts";
import { byKey } from "../admin/audit.ts";
import { UsageError, parseSince } from "@prodex/core";
import { parseGatewayBy, usageCsv, usageReport } from "../admin/usage-report.ts";
import type { GatewayEnv } from "./front-door.ts";
import type { InstanceRegistry } from "./instance-registry.ts";
import { type TeamDeps, teamRoutes } from "./team-routes.ts";

type Env = GatewayEnv;

/** `/gateway/v1/…`: viewer keys read, admin keys change (route-access.ts). Answers are JSON; errors one line. */
export function adminRoutes(store: GatewayStore, registry: InstanceRegistry, team: TeamDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.onError((error, c) => {
    const e = asProdexError(error);
    const message = e instanceof Error ? e.message : "internal error";
    const status =
      e instanceof Error && /^(NotFoundError)$/.test(e.name)
        ? 404
        : e instanceof Error && /Conflict|Usage/.test(e.name)
          ? 400
          : 503;
    return c.json({ error: { type: "gateway_error", message: `prodex gateway: ${message}` } }, status);
  });
  app.get("/accounts", async (c) => c.json({ accounts: await listAccounts(store) }));
  app.delete("/accounts/:name", async (c) => {
    await removeAccount(store, c.req.param("name"), byKey(c.get("name")));
    return c.json({ removed: c.req.param("name") });
  });
  app.get("/keys", async (c) => c.json({ keys: await listKeys(store) }));
  // {"name", "role"?, "rpm"?, "tokensPerDay"?, "maxShare"?}: the key is in the answer, once.
  app.post("/keys", async (c) => {
    const { name, role, ...limits } = asObject(await c.req.json().catch(() => null));
    if (typeof name !== "string")
      throw new UsageError('body must be {"name": …, "role"?: …, "rpm"?: …, "tokensPerDay"?: …, "maxShare"?: …}');
    const r = parseRole(typeof role === "string" ? role : "user");
    return c.json(await createKey(store, name, r, limitsFromJson(limits), byKey(c.get("name"))), 201);
  });
  // {"rpm"?, "tokensPerDay"?, "maxShare"?}: null lifts a limit, a field left out stays.
  app.patch("/keys/:name", async (c) => {
    const limits = limitsFromJson(asObject(await c.req.json().catch(() => null)));
    if (Object.keys(limits).length === 0)
      throw new UsageError("nothing to change", 'send any of {"rpm", "tokensPerDay", "maxShare"} (null lifts one)');
    return c.json(await updateKeyLimits(store, c.req.param("name"), limits, byKey(c.get("name"))));
  });
  app.delete("/keys/:name", async (c) => c.json(await revokeKey(store, c.req.param("name"), byKey(c.get("name")))));
  // The same filters as `prodex gateway usage`: ?by=key|account|model|day|client&since=24h|7d|DATE&format=json|csv&windows=1
  app.get("/usage", async (c) => {
    const now = Date.now();
    const report = await usageReport(store, {
      by: parseGatewayBy(c.req.query("by") ?? "key"),
      since: parseSince(c.req.query("since") ?? "24h", now),
      now,
      asker: { role: c.get("role"), name: c.get("name") },
    });
    if (c.req.query("format") !== "csv") return c.json(report);
    return c.body(usageCsv(report, c.req.query("windows") === "1"), 200, { "content-type": "text/csv; charset=utf-8" });
  });
  app.get("/instances", async (c) => c.json({ at: Date.now(), instances: await registry.live() }));
  teamRoutes(app, team);
  app.get("/events", async (c) => {
    const since = Number(c.req.query("since") ?? 0);
    return c.json({ events: await store.events.since(Number.isFinite(since) ? since : 0, 500) });
  });
  return app;
}

/** A JSON body that must be an object (anything else: one clear 400). */
function asObject(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new UsageError("the body must be a JSON object");
  return value;
}

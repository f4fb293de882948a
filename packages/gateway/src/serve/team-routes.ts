import type { Hono } from "hono";
import type { PoolSnapshot } from "@prodex/core";
import { CONTROL_SHAPE, controlBody, feedStream } from "@prodex/proxy";
import { byKey } from "../admin/audit.ts";
import type { GatewayEnv } from "./front-door.ts";
import type { KeyUsage } from "./key-usage.ts";
import type { PoolControl } from "./pool-control.ts";
import type { TimelineFeed } from "./timeline-feed.ts";

/** What the team dashboard's routes read: this instance's pool view, the shared timeline and ledger, the control. */
export type TeamDeps = { snapshot: () => PoolSnapshot; timeline: TimelineFeed; usage: KeyUsage; control: PoolControl };

/**
 * The team dashboard's routes (`prodex dashboard --gateway URL`), in the shapes the local dashboard reads from a
 * proxy (core's pool-view.ts): the pool (`/pool`), its live feed with every instance's events and the usage per key
 * (`/feed`, SSE), and the pool-wide pin and rotation switch or an account's pause (`POST /pool/control`; who may
 * call each: route-access.ts).
 */
export function teamRoutes(app: Hono<GatewayEnv>, deps: TeamDeps): void {
  app.get("/pool", (c) => c.json(deps.snapshot()));
  app.get("/feed", (c) =>
    feedStream({ ...deps.timeline.source(deps.snapshot), usage: () => deps.usage.current() }, c.req.raw.signal),
  );
  app.post("/pool/control", async (c) => {
    const parsed = controlBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success)
      return c.json({ error: { type: "invalid_request_error", message: `prodex gateway: ${CONTROL_SHAPE}` } }, 400);
    await deps.control.set(parsed.data, byKey(c.get("name")));
    return c.json(deps.snapshot());
  });
}

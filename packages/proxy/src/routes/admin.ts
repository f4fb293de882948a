import { type PoolEvent, type PoolFeedMessage, rowToEvent } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import type { ProxyState } from "../engine/proxy-state.ts";
import { encodeSse } from "../sse/index.ts";
import { readSmallJson } from "../upstream/request-body.ts";
import { proxyUsage, USAGE_TICK_MS } from "./admin-usage.ts";

const payload = (message: PoolFeedMessage): unknown =>
  message.type === "event" ? message.event : message.type === "snapshot" ? message.snapshot : message.usage;

const control = z.union([z.object({ pin: z.string().nullable() }), z.object({ autoRotate: z.boolean() })]);

export function stateJson(state: ProxyState): Response {
  return Response.json(state.pool.snapshot());
}

/** `POST __prodex/control`: pin a profile (or null to unpin), pause/resume auto-rotate. */
export async function controlRoute(state: ProxyState, c: HonoContext): Promise<Response> {
  const read = await readSmallJson(c.req.raw);
  if ("error" in read) return Response.json({ error: { message: read.error.message } }, { status: read.error.status });
  const parsed = control.safeParse(read.json);
  if (!parsed.success)
    return Response.json(
      { error: { message: 'expected {"pin": name|null} or {"autoRotate": boolean}' } },
      { status: 400 },
    );
  const body = parsed.data;
  if ("pin" in body) {
    if (body.pin !== null && !state.pool.row(body.pin))
      return Response.json({ error: { message: `no profile named ${body.pin}` } }, { status: 404 });
    state.pool.pin(body.pin);
    state.ctx.events.emit({
      kind: "control",
      profile: body.pin,
      message: body.pin ? `pinned ${body.pin}` : "unpinned",
    });
  } else {
    state.pool.setAutoRotate(body.autoRotate);
    state.ctx.events.emit({ kind: "control", message: body.autoRotate ? "auto-rotate resumed" : "auto-rotate paused" });
  }
  return Response.json(state.pool.snapshot());
}

/**
 * `GET __prodex/events`: the live feed for dashboards (SSE). A snapshot first, then every event
 * of this proxy as it happens, events other prodex processes wrote to the shared store, a
 * fresh snapshot whenever the pool changes, and the usage ledger's totals when they change.
 */
export function eventsRoute(state: ProxyState, c: HonoContext): Response {
  const enc = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (message: PoolFeedMessage) => {
        try {
          controller.enqueue(
            enc.encode(
              encodeSse({
                event: message.type,
                data: JSON.stringify(payload(message)),
              }),
            ),
          );
        } catch {
          stop();
        }
      };
      let lastSnapshot = "";
      const sendSnapshot = () => {
        const snapshot = state.pool.snapshot();
        const text = JSON.stringify({ ...snapshot, at: 0 });
        if (text === lastSnapshot) return;
        lastSnapshot = text;
        send({ type: "snapshot", snapshot });
      };
      sendSnapshot();
      let lastUsage: unknown = null;
      const sendUsage = () => {
        const usage = proxyUsage(state);
        if (!usage || usage === lastUsage) return;
        lastUsage = usage;
        send({ type: "usage", usage });
      };
      sendUsage();
      const usageTimer = setInterval(sendUsage, USAGE_TICK_MS);
      let lastId = 0;
      try {
        const recent = state.ctx.store.events.list({ limit: 50 });
        for (const event of recent.flatMap((row) => rowToEvent(row) ?? [])) send({ type: "event", event });
        lastId = recent.at(-1)?.id ?? state.ctx.store.events.lastId();
      } catch {
        lastId = 0;
      }
      const unsubscribe = state.ctx.events.subscribe((event: PoolEvent) => {
        send({ type: "event", event });
        sendSnapshot();
      });
      const timer = setInterval(() => {
        try {
          for (const row of state.ctx.store.events.list({ afterId: lastId, limit: 200 })) {
            lastId = row.id;
            const event = row.source !== state.ctx.source ? rowToEvent(row) : null;
            if (event) send({ type: "event", event });
          }
        } catch {
          // busy store: next tick
        }
        sendSnapshot();
      }, 250);
      const keepAlive = setInterval(() => {
        try {
          controller.enqueue(enc.encode(": keep-alive\n\n"));
        } catch {
          stop();
        }
      }, 15_000);
      stop = () => {
        clearInterval(timer);
        clearInterval(usageTimer);
        clearInterval(keepAlive);
        unsubscribe();
      };
      c.req.raw.signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

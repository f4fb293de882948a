import { type PoolEvent, type PoolFeedMessage, type PoolSnapshot, type UsageSummary, rowToEvent } from "@prodex/core";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import type { ProxyState } from "../engine/proxy-state.ts";
import { encodeSse } from "../sse/index.ts";
import { readSmallJson } from "../upstream/request-body.ts";
import { proxyUsage, USAGE_TICK_MS } from "./admin-usage.ts";

const payload = (message: PoolFeedMessage): unknown =>
  message.type === "event" ? message.event : message.type === "snapshot" ? message.snapshot : message.usage;

/**
 * A dashboard's control: pin a profile (null: unpin), pause/resume auto-rotate, or take one account out of the pool
 * and put it back (a gateway takes the same).
 */
export const controlBody = z.union([
  z.strictObject({ pin: z.string().nullable() }),
  z.strictObject({ autoRotate: z.boolean() }),
  z.strictObject({ pause: z.string() }),
  z.strictObject({ resume: z.string() }),
]);
export type ControlBody = z.infer<typeof controlBody>;
export const CONTROL_SHAPE =
  'expected {"pin": name|null}, {"autoRotate": boolean}, {"pause": name} or {"resume": name}';

export function stateJson(state: ProxyState): Response {
  return Response.json(state.pool.snapshot());
}

/** `POST __prodex/control`: pin a profile (or null to unpin), pause/resume auto-rotate, pause/resume a profile. */
export async function controlRoute(state: ProxyState, c: HonoContext): Promise<Response> {
  const read = await readSmallJson(c.req.raw);
  if ("error" in read) return Response.json({ error: { message: read.error.message } }, { status: read.error.status });
  const parsed = controlBody.safeParse(read.json);
  if (!parsed.success) return Response.json({ error: { message: CONTROL_SHAPE } }, { status: 400 });
  const body = parsed.data;
  if ("pause" in body || "resume" in body) {
    const name = "pause" in body ? body.pause : body.resume;
    if (!state.pool.setPaused(name, "pause" in body ? { by: null, at: state.ctx.now() } : null))
      return Response.json({ error: { message: `no profile named ${name}` } }, { status: 404 });
  } else if ("pin" in body) {
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

/** Where a dashboard feed's messages come from (one per connection). */
export type FeedSource = {
  snapshot(): PoolSnapshot;
  /** Events to replay first, oldest first. */
  recent(): PoolEvent[] | Promise<PoolEvent[]>;
  /** Live events from now on; each may also have changed the pool. Returns the unsubscribe. */
  subscribe(listener: (event: PoolEvent) => void): () => void;
  /** The usage view's summary, looked at every second: the same object until it changed; null when none yet. */
  usage?(): UsageSummary | null;
};

/** This proxy's events as they happen, and those other prodex processes write to the shared store. */
export function localFeedSource(state: ProxyState): FeedSource {
  let lastId = 0;
  return {
    snapshot: () => state.pool.snapshot(),
    usage: () => proxyUsage(state),
    recent() {
      try {
        const recent = state.ctx.store.events.list({ limit: 50 });
        lastId = recent.at(-1)?.id ?? state.ctx.store.events.lastId();
        return recent.flatMap((row) => rowToEvent(row) ?? []);
      } catch {
        return [];
      }
    },
    subscribe(listener) {
      const unsubscribe = state.ctx.events.subscribe(listener);
      const timer = setInterval(() => {
        try {
          for (const row of state.ctx.store.events.list({ afterId: lastId, limit: 200 })) {
            lastId = row.id;
            const event = row.source !== state.ctx.source ? rowToEvent(row) : null;
            if (event) listener(event);
          }
        } catch {
          // busy store: next tick
        }
      }, STORE_POLL_MS);
      return () => {
        clearInterval(timer);
        unsubscribe();
      };
    },
  };
}

const STORE_POLL_MS = 250;

/** `GET __prodex/events`: the live feed for dashboards (SSE) of this proxy (`feedStream`). */
export function eventsRoute(state: ProxyState, c: HonoContext): Response {
  return feedStream(localFeedSource(state), c.req.raw.signal);
}

/**
 * A dashboard's live feed as SSE: a snapshot first, the recent events, then every event as it comes, a fresh
 * snapshot whenever the pool changes (looked at after each event and every 250 ms), and the usage summary when it
 * changes (looked at every second). `connectFeed` reads it.
 */
export function feedStream(source: FeedSource, signal: AbortSignal): Response {
  const enc = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let stopped = false;
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
        const snapshot = source.snapshot();
        const text = JSON.stringify({ ...snapshot, at: 0 });
        if (text === lastSnapshot) return;
        lastSnapshot = text;
        send({ type: "snapshot", snapshot });
      };
      sendSnapshot();
      // Live events heard while the replay is read wait for it, so the order stays oldest first.
      const early: PoolEvent[] = [];
      let replayed = false;
      const unsubscribe = source.subscribe((event) => {
        if (!replayed) return void early.push(event);
        send({ type: "event", event });
        sendSnapshot();
      });
      for (const event of await Promise.resolve(source.recent()).catch(() => [])) send({ type: "event", event });
      replayed = true;
      for (const event of early.splice(0)) send({ type: "event", event });
      const timer = setInterval(sendSnapshot, STORE_POLL_MS);
      let lastUsage: UsageSummary | null = null;
      const sendUsage = () => {
        const usage = source.usage?.() ?? null;
        if (!usage || usage === lastUsage) return;
        lastUsage = usage;
        send({ type: "usage", usage });
      };
      sendUsage();
      const usageTimer = source.usage ? setInterval(sendUsage, USAGE_TICK_MS) : undefined;
      const keepAlive = setInterval(() => {
        try {
          controller.enqueue(enc.encode(": keep-alive\n\n"));
        } catch {
          stop();
        }
      }, 15_000);
      stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        clearInterval(usageTimer);
        clearInterval(keepAlive);
        unsubscribe();
      };
      if (signal.aborted) stop();
      signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

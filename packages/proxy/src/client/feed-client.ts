import { asRecord, parseJson } from "@prodex/guards";
import {
  type PoolEvent,
  type PoolFeed,
  type PoolFeedMessage,
  type PoolSnapshot,
  type UsageSummary,
  parsePoolEvent,
  poolSnapshotSchema,
  usageSummarySchema,
} from "@prodex/core";
import { SseParser } from "../sse/index.ts";

const RECENT = 200;

export type FeedEndpoints = { eventsUrl: string; stateUrl: string; controlUrl: string };

/**
 * A dashboard's live view of a proxy (in this process or a shared broker): the proxy's
 * `__prodex/events` SSE stream, reconnected with backoff while open. Controls go back over HTTP.
 */
export async function connectFeed(endpoints: FeedEndpoints, options: { fetch?: typeof fetch } = {}): Promise<PoolFeed> {
  const f = options.fetch ?? fetch;
  const initial = await f(endpoints.stateUrl);
  if (!initial.ok) throw new Error(`pool state unavailable (HTTP ${initial.status})`);
  const first = snapshotOf(await initial.json().catch(() => null));
  if (!first) throw new Error("pool state unreadable (not a prodex pool snapshot)");
  let snapshot: PoolSnapshot = first;
  let usage: UsageSummary | null = null;
  const recent: PoolEvent[] = [];
  const listeners = new Set<(m: PoolFeedMessage) => void>();
  const abort = new AbortController();
  const seen = new Set<string>();

  const deliver = (message: PoolFeedMessage) => {
    if (message.type === "snapshot") snapshot = message.snapshot;
    else if (message.type === "usage") usage = message.usage;
    else {
      // A reconnect replays recent events; show each one once.
      const key = `${message.event.source ?? ""}:${message.event.id}:${message.event.at}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > RECENT * 4) seen.clear();
      recent.push(message.event);
      if (recent.length > RECENT) recent.shift();
    }
    for (const l of listeners) l(message);
  };

  const pump = async () => {
    let delay = 200;
    while (!abort.signal.aborted) {
      try {
        const res = await f(endpoints.eventsUrl, { headers: { accept: "text/event-stream" }, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        delay = 200;
        const parser = new SseParser();
        for await (const chunk of res.body) {
          for (const m of parser.feed(chunk)) {
            if (m.event !== "snapshot" && m.event !== "event" && m.event !== "usage") continue;
            // What does not validate (malformed, or from a newer prodex) is skipped; the stream goes on.
            const data = parseJson(m.data);
            if (m.event === "snapshot") {
              const next = snapshotOf(data);
              if (next) deliver({ type: "snapshot", snapshot: next });
            } else if (m.event === "usage") {
              const next = usageSummarySchema.safeParse(data);
              if (next.success) deliver({ type: "usage", usage: next.data });
            } else {
              const event = parsePoolEvent(data);
              if (event) deliver({ type: "event", event });
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await Bun.sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  };
  void pump();

  const control = async (body: unknown) => {
    const res = await f(endpoints.controlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => null);
    // Refused (a viewer key, an unknown profile, a bad body): the dashboard says why instead of "pinned".
    if (!res.ok) throw new Error(errorMessage(answer) ?? `HTTP ${res.status}`);
    const next = snapshotOf(answer);
    if (next) deliver({ type: "snapshot", snapshot: next });
  };

  return {
    snapshot: () => snapshot,
    recent: () => [...recent],
    usage: () => usage,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pin: (profile) => control({ pin: profile }),
    setAutoRotate: (enabled) => control({ autoRotate: enabled }),
    setPaused: (profile, paused) => control(paused ? { pause: profile } : { resume: profile }),
    close() {
      abort.abort();
      listeners.clear();
    },
  };
}

/** The one line an error answer carries (`{error: {message}}`, the proxy's and the gateway's shape). */
export function errorMessage(data: unknown): string | null {
  const message = asRecord(asRecord(data)?.error)?.message;
  return typeof message === "string" ? message : null;
}

function snapshotOf(data: unknown): PoolSnapshot | null {
  const parsed = poolSnapshotSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

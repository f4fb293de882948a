import { describe, expect, test } from "bun:test";
import type { PoolFeedMessage } from "@prodex/core";
import { connectFeed } from "./feed-client.ts";

const snapshot = { at: 1, current: "p1", pinned: null, autoRotate: true, profiles: [] };
const event = {
  id: 7,
  at: 2,
  kind: "rotation",
  level: "info",
  profile: "p2",
  message: "p1 → p2",
  data: { from: "p1", to: "p2", reason: "limit", kind: "quota", client: "ws" },
};

/** A proxy's feed without a socket: the state route and an SSE stream of the given frames. */
function fakeFetch(frames: string[], state: unknown = snapshot): typeof fetch {
  return (async (url: string | URL | Request) => {
    if (String(url).endsWith("/state")) return Response.json(state);
    const body = frames.map((f) => `${f}\n\n`).join("");
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }) as typeof fetch;
}

const endpoints = {
  eventsUrl: "http://127.0.0.1:1/events",
  stateUrl: "http://127.0.0.1:1/state",
  controlUrl: "http://127.0.0.1:1/control",
};

describe("connectFeed validates what it receives", () => {
  test("valid frames arrive; malformed, unknown or misshapen ones are skipped", async () => {
    const frames = [
      `event: event\ndata: ${JSON.stringify(event)}`,
      "event: event\ndata: {not json",
      `event: event\ndata: ${JSON.stringify({ ...event, id: 8, kind: "telepathy" })}`,
      `event: event\ndata: ${JSON.stringify({ ...event, id: 9, data: { from: 42 } })}`,
      `event: snapshot\ndata: ${JSON.stringify({ ...snapshot, profiles: "none" })}`,
      `event: snapshot\ndata: ${JSON.stringify({ ...snapshot, current: "p2" })}`,
    ];
    const feed = await connectFeed(endpoints, { fetch: fakeFetch(frames) });
    const heard: PoolFeedMessage[] = [];
    feed.subscribe((m) => heard.push(m));
    for (let i = 0; i < 50 && feed.snapshot().current !== "p2"; i++) await Bun.sleep(5);
    feed.close();
    expect(feed.recent()).toEqual([event as never]);
    expect(feed.snapshot().current).toBe("p2");
    expect(heard.map((m) => m.type)).toEqual(["event", "snapshot"]);
  });

  test("usage summaries: a valid one is kept and delivered, a misshapen one skipped", async () => {
    const total = {
      group: "all",
      requests: 2,
      errors: 0,
      inputTokens: 10,
      cachedTokens: 0,
      outputTokens: 4,
      reasoningTokens: 1,
      totalTokens: 14,
      rotations: 0,
    };
    const usage = { at: 3, periods: [{ period: "1h", total, by: { profile: [{ ...total, group: "p1" }] } }] };
    const negative = { ...usage, periods: [{ period: "1h", total: { ...total, requests: -1 }, by: {} }] };
    const frames = [
      `event: usage\ndata: ${JSON.stringify(negative)}`,
      `event: usage\ndata: ${JSON.stringify({ ...usage, periods: [{ period: "1y", total, by: {} }] })}`,
      `event: usage\ndata: ${JSON.stringify(usage)}`,
    ];
    const feed = await connectFeed(endpoints, { fetch: fakeFetch(frames) });
    const heard: PoolFeedMessage[] = [];
    feed.subscribe((m) => heard.push(m));
    for (let i = 0; i < 50 && !feed.usage(); i++) await Bun.sleep(5);
    feed.close();
    expect(feed.usage()).toEqual(usage as never);
    expect(heard).toEqual([{ type: "usage", usage: usage as never }]);
  });

  test("a state route that answers something else is one clear error", async () => {
    await expect(connectFeed(endpoints, { fetch: fakeFetch([], { hello: "world" }) })).rejects.toThrow(
      "pool state unreadable",
    );
  });
});

describe("connectFeed controls", () => {
  /** The state route, an empty event stream, and the control route answering `control`. */
  const withControl = (control: Response): typeof fetch =>
    (async (url: string | URL | Request, init?: RequestInit) => {
      if (init?.method === "POST") return control;
      return fakeFetch([])(url);
    }) as typeof fetch;

  test("a refused control rejects with the answer's one line (a viewer key, an unknown name), never says done", async () => {
    const cases: [Response, string][] = [
      [
        Response.json(
          { error: { type: "permission_error", message: "this route needs an admin key" } },
          { status: 403 },
        ),
        "this route needs an admin key",
      ],
      [
        Response.json({ type: "error", error: { message: "no profile named x" } }, { status: 404 }),
        "no profile named x",
      ],
      [new Response("<html>bad gateway</html>", { status: 502 }), "HTTP 502"],
    ];
    for (const [answer, said] of cases) {
      const feed = await connectFeed(endpoints, { fetch: withControl(answer) });
      await expect(feed.pin("x")).rejects.toThrow(said);
      expect(feed.snapshot()).toEqual(snapshot as never);
      feed.close();
    }
  });

  test("an accepted control's snapshot is taken at once", async () => {
    const feed = await connectFeed(endpoints, { fetch: withControl(Response.json({ ...snapshot, pinned: "p2" })) });
    await feed.pin("p2");
    expect(feed.snapshot().pinned).toBe("p2");
    feed.close();
  });
});

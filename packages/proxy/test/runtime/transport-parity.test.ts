import { afterEach, describe, expect, test } from "bun:test";
import type { MockAccountInit, MockFault } from "@prodex/mock";
import { ask, useFaultWorlds } from "../helpers/fault-world.ts";
import {
  type PoolFixture,
  TWO_ACCOUNTS,
  eventTypes,
  postResponses,
  responsesBody,
  usePoolFixtures,
} from "../helpers/pool-fixture.ts";
import { WsClient, codexWsHeaders, deltas, proxyWsUrl } from "../helpers/ws-client.ts";

// One rotation loop serves both transports (packages/proxy/src/rotation/rotate.ts): the same
// failure gives the same rest, the same wait, the same account. One table, run over SSE and the
// websocket against the mock; every row must come out identical on both.

const openPool = usePoolFixtures();
const openWorld = useFaultWorlds();
let clients: WsClient[] = [];
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});

const ONE: MockAccountInit[] = [{ id: "acct-a", primary: { usedPercent: 10 } }];

type Row = {
  name: string;
  accounts: MockAccountInit[];
  fault: MockFault;
  servedBy: string;
  rest: string;
  rested: number;
  waited: boolean;
};
const rows: Row[] = [
  {
    name: "a usage limit an hour away: rest until the reset, another account serves",
    accounts: TWO_ACCOUNTS,
    fault: { kind: "usage_limit", resetsInSeconds: 3_600 },
    servedBy: "acct-b",
    rest: "quota",
    rested: 3_600,
    waited: false,
  },
  {
    name: "a rate limit with Retry-After 1: rest 1 s, another account serves",
    accounts: TWO_ACCOUNTS,
    fault: { kind: "rate_limit" },
    servedBy: "acct-b",
    rest: "transient",
    rested: 1,
    waited: false,
  },
  {
    name: "overloaded: rest 5 s, another account serves",
    accounts: TWO_ACCOUNTS,
    fault: { kind: "overloaded" },
    servedBy: "acct-b",
    rest: "overload",
    rested: 5,
    waited: false,
  },
  {
    name: "the only account, its limit resetting in 2 s: waited for, it serves",
    accounts: ONE,
    fault: { kind: "usage_limit", resetsInSeconds: 2 },
    servedBy: "acct-a",
    rest: "quota",
    rested: 2,
    waited: true,
  },
  {
    name: "the only account rate limited for 1 s: waited for, it serves",
    accounts: ONE,
    fault: { kind: "rate_limit" },
    servedBy: "acct-a",
    rest: "transient",
    rested: 1,
    waited: true,
  },
];

type Seen = { servedBy: string | null; rest: string | null; rested: number | null; waited: boolean; text: string };

async function overHttp(f: PoolFixture): Promise<string> {
  const res = await postResponses(f, responsesBody());
  const text = await res.text();
  return eventTypes(text).includes("response.completed") ? text : `failed: ${res.status} ${text.slice(0, 200)}`;
}

async function overWebsocket(f: PoolFixture): Promise<string> {
  const c = await WsClient.open(proxyWsUrl(f), { ...f.proxy.codexHeaders, ...codexWsHeaders() });
  clients.push(c);
  c.create(responsesBody());
  return deltas(await c.turn(15_000));
}

async function run(row: Row, transport: "http" | "ws"): Promise<Seen> {
  const f = await openPool(row.accounts);
  const rests: { reason: string; until: number }[] = [];
  f.ctx.events.subscribe((e) => {
    if (e.kind === "backoff" && e.profile === "p1") rests.push(e.data as { reason: string; until: number });
  });
  f.mock.fault("acct-a", row.fault);
  const text = transport === "http" ? await overHttp(f) : await overWebsocket(f);
  const turns = f.mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.status !== 101);
  const refused = turns.find((r) => r.status !== 200);
  const served = turns.filter((r) => r.status === 200).at(-1);
  // The rest p1 got, measured from when the upstream refused it, in whole seconds (the upstream's resets are).
  const backoff = rests.length === 1 ? rests[0] : null;
  const rested = backoff && refused ? Math.round((backoff.until - refused.time) / 1000) : null;
  const waited = Boolean(
    refused && served && served.accountId === refused.accountId && served.time - refused.time >= 900,
  );
  return { servedBy: served?.accountId ?? null, rest: backoff?.reason ?? null, rested, waited, text };
}

describe("HTTP and the websocket rotate alike", () => {
  for (const row of rows) {
    test(row.name, async () => {
      const http = await run(row, "http");
      const ws = await run(row, "ws");
      expect(http.text).toContain("hi from mock");
      expect(ws.text).toContain("hi from mock");
      const want = { servedBy: row.servedBy, rest: row.rest, waited: row.waited };
      for (const seen of [http, ws]) {
        expect({ servedBy: seen.servedBy, rest: seen.rest, waited: seen.waited }).toEqual(want);
        // A reset given as a whole epoch second may land up to a second later.
        expect(seen.rested).toBeGreaterThanOrEqual(row.rested);
        expect(seen.rested).toBeLessThanOrEqual(row.rested + 1);
      }
    }, 30_000);
  }
});

describe("a token that cannot be had rests the account alike", () => {
  // p1's login is about to expire and the token endpoint is down (PRODEX_FAULTS token.down): the
  // rest is the auth schedule's first step, 30 s, on both transports (it was 30 s on HTTP, 10 min on the websocket).
  for (const transport of ["http", "ws"] as const) {
    test(transport, async () => {
      const w = await openWorld(TWO_ACCOUNTS, { expiring: ["acct-a"] });
      const { proxy, ctx } = await w.start("token.down@p1");
      const rests: { reason: string; until: number; at: number }[] = [];
      ctx.events.subscribe((e) => {
        if (e.kind === "backoff" && e.profile === "p1" && e.data) rests.push({ ...e.data, at: e.at });
      });
      let text: string;
      if (transport === "http") text = await (await ask(proxy)).text();
      else {
        const c = await WsClient.open(`${proxy.codexBaseUrl.replace(/^http/, "ws")}/responses`, {
          ...proxy.codexHeaders,
          ...codexWsHeaders(),
        });
        clients.push(c);
        c.create(responsesBody());
        text = deltas(await c.turn(15_000));
      }
      expect(text).toContain("hi from mock");
      // The event is stamped a moment after the rest was computed: whole seconds.
      expect(rests.map((r) => ({ reason: r.reason, rest: Math.round((r.until - r.at) / 1000) }))).toEqual([
        { reason: "auth", rest: 30 },
      ]);
      expect(w.mock.requests({ path: "/backend-api/codex/responses" }).every((r) => r.accountId === "acct-b")).toBe(
        true,
      );
    }, 30_000);
  }
});

import { describe, expect, test } from "bun:test";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { createKey } from "../src/index.ts";
import { ROUTE_ACCESS, permits } from "../src/serve/route-access.ts";
import { codexTurn, gatewayWorld } from "./gateway-world.ts";

// What a key sees, against a real PostgreSQL and a real instance: every route the instance registers is in the
// role table, and each (method × route × role) gets what the table says; a user key never learns an account.
const cluster = usePgCluster();

const ROLES = ["user", "viewer", "admin"] as const;

/** The decision, written out: [user, viewer, admin] may call it. */
const DECIDED: Record<string, readonly [boolean, boolean, boolean]> = {
  "GET /gateway/v1/whoami": [true, true, true],
  "GET /gateway/v1/usage": [true, true, true],
  "GET /gateway/v1/accounts": [false, true, true],
  "DELETE /gateway/v1/accounts/:name": [false, false, true],
  "GET /gateway/v1/keys": [false, true, true],
  "POST /gateway/v1/keys": [false, false, true],
  "PATCH /gateway/v1/keys/:name": [false, false, true],
  "DELETE /gateway/v1/keys/:name": [false, false, true],
  "GET /gateway/v1/instances": [false, true, true],
  "GET /gateway/v1/events": [false, true, true],
  "GET /gateway/v1/pool": [false, true, true],
  "GET /gateway/v1/feed": [false, true, true],
  "POST /gateway/v1/pool/control": [false, false, true],
  "GET /metrics": [false, true, true],
  "GET /backend-api/wham/usage": [true, false, true],
  "GET /backend-api/wham/accounts/check": [true, false, true],
  "ALL /*": [true, false, true],
};

describe("what a key sees", () => {
  test("every route is classified; GET/POST/DELETE × user/viewer/admin as the table says; a user key sees no account", async () => {
    const w = await gatewayWorld(cluster(), [
      { id: "acct-a", email: "alice@team.example" },
      { id: "acct-b", email: "bob@team.example" },
    ]);
    try {
      const keys = {
        user: w.key,
        viewer: (await createKey(w.store, "watcher", "viewer")).key,
        admin: (await createKey(w.store, "boss", "admin")).key,
      };
      const g = await w.start();

      // A route added later and not classified fails here, named.
      const routes = g.routes();
      const keyed = routes.filter((r) => ROUTE_ACCESS[r] !== "open");
      expect(routes.filter((r) => ROUTE_ACCESS[r] === undefined)).toEqual([]);
      expect(keyed.filter((r) => DECIDED[r] === undefined)).toEqual([]);
      for (const [route, may] of Object.entries(DECIDED)) {
        const access = ROUTE_ACCESS[route];
        expect(access === undefined ? null : ROLES.map((r) => permits(r, access)), route).toEqual([...may]);
      }

      // Each registered keyed route's path, asked with GET, POST and DELETE by each role: a method the route has
      // is answered as the table says (403 when refused, anything else when not); one it has not is no route (404).
      const paths = [...new Set(keyed.filter((r) => r !== "ALL /*").map((r) => r.split(" ")[1] ?? ""))];
      const seen: string[] = [];
      for (const pattern of paths) {
        const path = pattern.replace(/:name$/, "nobody");
        for (const method of ["GET", "POST", "DELETE", "PATCH"] as const) {
          const route = `${method} ${pattern}`;
          if (method === "PATCH" && !routes.includes(route)) continue;
          for (const [i, role] of ROLES.entries()) {
            const res = await fetch(`${g.url}${path}`, {
              method,
              headers: { authorization: `Bearer ${keys[role]}`, "content-type": "application/json" },
              body: method === "GET" || method === "DELETE" ? undefined : "{}",
              signal: AbortSignal.timeout(5_000),
            });
            // The feed streams: its head is the answer. A refusal says so in one line; anything else was let in
            // (an admin deleting a key that does not exist is let in, and told so).
            const text = res.ok && pattern.endsWith("/feed") ? (void res.body?.cancel(), "") : await res.text();
            const expected = !routes.includes(route) ? "no route" : DECIDED[route]?.[i] ? "allowed" : 403;
            const got =
              res.status === 403 && text.includes(`${route.split(" ")[0]} ${path} needs`)
                ? 403
                : res.status === 404 && text.includes("is not a route the gateway serves")
                  ? "no route"
                  : "allowed";
            seen.push(`${route} ${role}: ${got}`);
            expect(`${route} ${role}: ${got}`).toBe(`${route} ${role}: ${expected}`);
          }
        }
      }
      expect(seen.length).toBeGreaterThanOrEqual(3 * 3 * 10);

      // The client routes: a user or admin key sends requests, a viewer key never does.
      for (const [role, status] of [
        ["user", 200],
        ["admin", 200],
        ["viewer", 403],
      ] as const)
        expect((await codexTurn(g.url, keys[role])).status, role).toBe(status);
      // The rest of the ChatGPT backend is not the gateway's to pass on: it would answer with an account's own data.
      for (const path of ["/backend-api/me", "/backend-api/accounts", "/backend-api/wham/tasks/list"])
        for (const role of ROLES) {
          const res = await fetch(`${g.url}${path}`, { headers: { authorization: `Bearer ${keys[role]}` } });
          expect(`${path} ${role}: ${res.status}`).toBe(`${path} ${role}: 404`);
          expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
            `prodex gateway: GET ${path} is not a route the gateway serves`,
          );
        }

      // What a user key reads: its own usage and the pool's room, never an account's email, id, name or windows.
      await createKey(w.store, "other", "user");
      for (let i = 0; i < 4; i++) expect((await codexTurn(g.url, w.key)).status).toBe(200);
      // The ledger rows written, and the account's usage reading shared (every second).
      for (let i = 0; i < 60 && (await w.store.ledger.since(0)).length < 5; i++) await Bun.sleep(50);
      for (let i = 0; i < 60 && (await w.store.usage.all()).length === 0; i++) await Bun.sleep(50);
      const asUser = async (path: string) => {
        const res = await fetch(`${g.url}${path}`, { headers: { authorization: `Bearer ${w.key}` } });
        return { status: res.status, text: await res.text() };
      };
      const own = await asUser("/gateway/v1/usage?by=key&since=1h");
      expect(own.status).toBe(200);
      const report = JSON.parse(own.text) as {
        scope: string;
        groups: { group: string; requests: number }[];
        windows: unknown;
        pool: { weekly: number | null };
      };
      expect(report.scope).toBe("own");
      expect(report.groups.map((x) => [x.group, x.requests])).toEqual([["dev", 5]]);
      expect(report.windows).toBeNull();
      expect(typeof report.pool.weekly).toBe("number");
      const byAccount = await asUser("/gateway/v1/usage?by=account");
      expect(byAccount.status).toBe(400);
      expect(byAccount.text).toContain("a user key cannot group usage by account");
      expect((await asUser("/gateway/v1/usage?format=csv&windows=1")).status).toBe(400);
      const seenByUser = [
        own.text,
        (await asUser("/gateway/v1/usage?by=model&format=csv")).text,
        (await asUser("/gateway/v1/whoami")).text,
        (await asUser("/backend-api/wham/usage")).text,
        (await asUser("/backend-api/codex/models?client_version=0.171.0")).text,
        (await asUser("/openai/v1/models")).text,
      ].join("\n");
      for (const secret of ["acct-a", "acct-b", "alice@team.example", "bob@team.example", "watcher", "boss", "other"])
        expect(seenByUser).not.toContain(secret);
      // A viewer or admin key sees everything: the accounts, and each key's share of each account's windows.
      const all = await fetch(`${g.url}/gateway/v1/accounts`, { headers: { authorization: `Bearer ${keys.viewer}` } });
      expect(await all.text()).toContain("alice@team.example");
    } finally {
      await w.close();
    }
  }, 120_000);

  test("the pool out: the 429 a key gets names no account (the proxy's own answers, in the gateway)", async () => {
    const w = await gatewayWorld(cluster(), [
      { id: "acct-x", email: "xavier@team.example", primary: { usedPercent: 100 } },
      { id: "acct-y", email: "yvonne@team.example", primary: { usedPercent: 100 } },
    ]);
    try {
      const g = await w.start();
      const answers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await codexTurn(g.url, w.key);
        expect(r.status).toBe(429);
        answers.push(r.text);
      }
      const last = JSON.parse(answers.at(-1) ?? "{}") as { error: { type: string; message: string } };
      expect(last.error.type).toBe("usage_limit_reached");
      expect(last.error.message).toContain("Every account in the prodex pool has hit its usage limit (2 account(s))");
      for (const secret of ["acct-x", "acct-y", "xavier@team.example", "yvonne@team.example"])
        expect(answers.join("\n")).not.toContain(secret);
    } finally {
      await w.close();
    }
  }, 60_000);
});

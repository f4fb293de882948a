import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { createKey } from "../src/index.ts";
import { claudeTurn, codexTurn, gatewayWorld, prodexCli, until } from "./gateway-world.ts";

// `prodex usage --gateway URL` as a laptop runs it (a real CLI process) against a real instance on a real
// PostgreSQL: two user keys each see only their own requests; a viewer sees everyone's and the accounts' windows.
const cluster = usePgCluster();

type Report = {
  schema: string;
  scope: string;
  groups: { group: string; requests: number }[];
  total: { requests: number };
  windows: unknown[] | null;
  pool: { "5h": number | null; weekly: number | null };
};

describe("prodex usage --gateway", () => {
  test("each user key sees its own rows and the pool's room, never an account; a viewer sees all", async () => {
    const accounts = [
      { id: "acct-a", email: "alice@team.example" },
      { id: "acct-b", email: "bob@team.example" },
    ];
    const w = await gatewayWorld(cluster(), accounts);
    try {
      const erin = (await createKey(w.store, "erin", "user")).key;
      const viewer = (await createKey(w.store, "watcher", "viewer")).key;
      const g = await w.start();
      for (let i = 0; i < 3; i++) expect((await codexTurn(g.url, w.key)).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await claudeTurn(g.url, erin)).status).toBe(200);
      await until("the ledger rows", async () => (await w.store.ledger.since(0)).length === 5);
      await until("the accounts' usage readings", async () => (await w.store.usage.all()).length > 0);

      const laptop = join(w.env.HOME ?? "", "laptop");
      mkdirSync(laptop, { recursive: true });
      const laptopEnv = { PATH: w.env.PATH ?? "", HOME: laptop, PRODEX_HOME: join(laptop, "prodex"), NO_COLOR: "1" };
      const as = (key: string, args: string[]) =>
        prodexCli({ ...laptopEnv, PRODEX_GATEWAY_KEY: key }, ["usage", "--gateway", g.url, ...args]);
      const json = async (key: string, args: string[]) => {
        const r = await as(key, [...args, "--json"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        return JSON.parse(r.stdout) as Report;
      };

      const dev = await json(w.key, ["--by", "key"]);
      expect([dev.schema, dev.scope, dev.windows]).toEqual(["prodex.gateway-usage/v1", "own", null]);
      expect(dev.groups.map((t) => [t.group, t.requests])).toEqual([["dev", 3]]);
      expect(typeof dev.pool.weekly).toBe("number");
      const erinByClient = await json(erin, ["--by", "client"]);
      expect(erinByClient.groups.map((t) => [t.group, t.requests])).toEqual([["claude", 2]]);
      expect((await json(erin, ["--by", "model"])).total.requests).toBe(2);
      const all = await json(viewer, ["--by", "key", "--since", "1h"]);
      expect(all.scope).toBe("all");
      expect(all.groups.map((t) => [t.group, t.requests]).sort()).toEqual([
        ["dev", 3],
        ["erin", 2],
      ]);
      expect(all.windows?.length).toBeGreaterThan(0);

      // Text and CSV: the same table and CSV as `prodex usage`, the pool's room in aggregate; the viewer's
      // text also has who used each account's windows.
      const text = await as(w.key, ["--by", "day"]);
      expect(text.code).toBe(0);
      const today = new Date().toISOString().slice(0, 10);
      expect(text.stdout).toMatch(new RegExp(`^day +requests +errors +input .*\\n${today} +3 +0 `));
      expect(text.stdout).toContain("(this key's own requests)");
      expect(text.stdout).toMatch(/the pool's room \(mean over its accounts\): 5h [\d.]+% left · weekly [\d.]+% left/);
      const csv = await as(erin, ["--by", "key", "--csv"]);
      expect(csv.stdout.split("\n")[0]).toBe(
        "key,requests,errors,inputTokens,cachedTokens,outputTokens,reasoningTokens,totalTokens,rotations",
      );
      expect(csv.stdout.split("\n")[1]).toMatch(/^erin,2,0,/);
      const seen = [text.stdout, csv.stdout, JSON.stringify(dev), JSON.stringify(erinByClient)].join("\n");
      for (const secret of ["acct-a", "acct-b", "alice@team.example", "bob@team.example", "watcher"])
        expect(seen).not.toContain(secret);
      expect(seen).not.toContain('erin","requests":3'); // and not the other key's rows
      expect(JSON.stringify(dev)).not.toContain("erin");
      expect(JSON.stringify(erinByClient)).not.toContain("dev");
      const viewerText = await as(viewer, []);
      expect(viewerText.stdout).toContain("who used each account's windows");
      expect(viewerText.stdout).toContain("acct-");
      const shares = await as(viewer, ["--csv", "--windows"]);
      expect(shares.stdout.split("\n")[0]).toBe(
        "account,window,windowUsedPercent,resetAt,key,requests,tokens,share,keyUsedPercent",
      );
      expect(shares.stdout).toMatch(/\nacct-[ab],(5h|weekly),/);
      const userShares = await as(erin, ["--csv", "--windows"]);
      expect([userShares.code, userShares.stdout]).toEqual([1, ""]);
      expect(userShares.stderr).toContain("a user key cannot see per-account windows");

      // The key `prodex gateway login` stored serves as well as the environment's.
      expect((await prodexCli({ ...laptopEnv, PRODEX_GATEWAY_KEY: erin }, ["gateway", "login", g.url])).code).toBe(0);
      const stored = await prodexCli(laptopEnv, ["usage", "--gateway", g.url, "--json"]);
      expect((JSON.parse(stored.stdout) as Report).groups.map((t) => [t.group, t.requests])).toEqual([["erin", 2]]);

      // A user key's mistakes and a gateway that is not there: one line, non-zero, at once.
      const byAccount = await as(w.key, ["--by", "account"]);
      expect(byAccount.code).not.toBe(0);
      expect(byAccount.stdout).toBe("");
      expect(byAccount.stderr.trim().split("\n")).toHaveLength(1);
      expect(byAccount.stderr).toContain("a user key cannot group usage by account");
      const wrong = await as("not-a-key", []);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain(`the gateway at ${g.url} does not know this key`);
      expect(wrong.stderr).not.toContain("    at ");
    } finally {
      await w.close();
    }
  }, 120_000);

  test("no key, an unreachable gateway, a bad --by: one line each, non-zero, no hang", async () => {
    const free = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const url = `http://127.0.0.1:${free.port}`;
    await free.stop(true);
    const home = join(process.env.TMPDIR ?? "/tmp", `prodex-laptop-usage-${process.pid}`);
    const env = { PATH: process.env.PATH ?? "", HOME: home, PRODEX_HOME: join(home, "prodex"), NO_COLOR: "1" };
    const cases: [string[], Record<string, string>, string][] = [
      [["--gateway", url], {}, `no gateway key for ${url}`],
      [["--gateway", url], { PRODEX_GATEWAY_KEY: "k" }, `cannot reach the gateway at ${url}`],
      [["--gateway", url, "--by", "profile"], { PRODEX_GATEWAY_KEY: "k" }, '--by "profile" is not a grouping'],
      [["--gateway", "ftp://x"], { PRODEX_GATEWAY_KEY: "k" }, "--gateway must be an http(s) URL"],
    ];
    for (const [args, extra, line] of cases) {
      const t0 = performance.now();
      const r = await prodexCli({ ...env, ...extra }, ["usage", ...args]);
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(line);
      expect(r.stderr).not.toContain("    at ");
    }
  }, 60_000);
});

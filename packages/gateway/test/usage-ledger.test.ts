import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { createKey } from "../src/index.ts";
import { codexTurn, gatewayWorld, prodexCli } from "./gateway-world.ts";

// The team's usage ledger on a real PostgreSQL under two instances: every request that reached an account
// is one row, written behind the request; a database outage mid-run loses none and doubles none. Its own
// cluster: stopping it must not disturb another file.
const cluster = usePgCluster();

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await fn()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Report = {
  scope: string;
  groups: { group: string; requests: number; totalTokens: number }[];
  total: { requests: number };
  windows:
    | { account: string; window: string; usedPercent: number; keys: { key: string; usedPercent: number }[] }[]
    | null;
  pool: { "5h": number | null; weekly: number | null };
};

describe("gateway usage ledger", () => {
  test("two instances, two keys, PostgreSQL restarted mid-run: per key and model the ledger is what was served, once", async () => {
    const w = await gatewayWorld(cluster(), [
      { id: "acct-a", primary: { usedPercent: 30 } },
      { id: "acct-b", primary: { usedPercent: 50 } },
    ]);
    try {
      const ci = (await createKey(w.store, "ci-bot", "user")).key;
      const lead = (await createKey(w.store, "lead", "viewer")).key;
      const a = await w.start();
      const b = await w.start();
      const sent = new Map<string, number>();
      const turn = async (url: string, key: string, name: string, model: string) => {
        const r = await codexTurn(url, key, { model });
        expect(r.status, r.text.slice(0, 200)).toBe(200);
        sent.set(`${name}/${model}`, (sent.get(`${name}/${model}`) ?? 0) + 1);
      };
      // Before the outage: each key once on each instance (so each instance knows both keys).
      for (const g of [a, b]) {
        await turn(g.url, w.key, "dev", "gpt-5");
        await turn(g.url, ci, "ci-bot", "gpt-5-codex");
      }
      await cluster().stop();
      for (let i = 0; i < 3; i++) {
        await turn(a.url, w.key, "dev", "gpt-5");
        await turn(b.url, ci, "ci-bot", "gpt-5-codex");
        await turn(b.url, w.key, "dev", "gpt-5-codex");
      }
      await until("an instance notices the outage", async () => (await fetch(`${a.url}/readyz`)).status === 503);
      expect(a.queue.size() + b.queue.size()).toBeGreaterThan(0);
      await cluster().start();
      await until("queues flushed", () => a.queue.size() + b.queue.size() === 0);
      expect(a.queue.dropped + b.queue.dropped).toBe(0);

      const rows = await w.store.ledger.since(0);
      const got = new Map<string, number>();
      for (const r of rows) got.set(`${r.caller}/${r.model}`, (got.get(`${r.caller}/${r.model}`) ?? 0) + 1);
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(sent));
      // The mock's own count: every answer it completed is one row, on the account that served it.
      const served = w.mock
        .accounts()
        .map((x) => [x.id, x.counters.completed] as const)
        .filter(([, n]) => n > 0);
      expect(Object.fromEntries(served)).toEqual(
        Object.fromEntries(Object.entries(Object.groupBy(rows, (r) => r.profile)).map(([k, v]) => [k, v?.length ?? 0])),
      );
      expect(new Set(rows.map((r) => r.instance))).toEqual(new Set([`gateway:${a.instance}`, `gateway:${b.instance}`]));
      expect(rows.every((r) => r.outputTokens > 0 && r.outcome === "completed")).toBe(true);

      // A flush sent again (its commit reply lost): stored once.
      await w.store.ledger.insertMany(rows);
      expect((await w.store.ledger.since(0)).length).toBe(rows.length);

      // The instances share the accounts' usage readings the answers carried (what the window shares weigh)…
      await until("usage readings shared", async () => (await w.store.usage.all()).length === served.length);
      // …here replaced by known ones: acct-a's 5-hour window 40 % used, acct-b's 60 %.
      const now = Date.now();
      const win = (label: "5h" | "weekly", usedPercent: number, seconds: number) => ({
        label,
        usedPercent,
        windowSeconds: seconds,
        resetAt: now + 3_600_000,
        limit: "codex",
      });
      for (const [account, used] of [
        ["acct-a", 40],
        ["acct-b", 60],
      ] as const) {
        await w.store.usage.put({
          account,
          fetchedAt: now,
          source: "live",
          plan: "plus",
          windows: [win("5h", used, 18_000), win("weekly", used / 2, 604_800)],
        });
      }

      // The admin route: a viewer sees every key and the window shares; a user key only its own.
      const get = async (key: string, query: string) =>
        fetch(`${a.url}/gateway/v1/usage?${query}`, { headers: { authorization: `Bearer ${key}` } });
      const all = (await (await get(lead, "by=key&since=1h")).json()) as Report;
      expect(all.scope).toBe("all");
      expect(Object.fromEntries(all.groups.map((g) => [g.group, g.requests]))).toEqual({ dev: 8, "ci-bot": 5 });
      const own = (await (await get(w.key, "by=model&since=1h")).json()) as Report;
      expect(own.scope).toBe("own");
      expect(own.total.requests).toBe(8);
      expect(own.windows).toBeNull();
      expect(JSON.stringify(own)).not.toContain("acct-");
      const refused = await get(w.key, "by=account");
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        "cannot group usage by account",
      );
      const csv = await get(lead, "by=model&format=csv");
      expect(csv.headers.get("content-type")).toContain("text/csv");
      const lines = (await csv.text()).trim().split("\n");
      expect(lines[0]).toStartWith("model,requests,");
      expect(
        lines
          .slice(1)
          .map((l) => l.split(",").slice(0, 2).join(","))
          .sort(),
      ).toEqual(["gpt-5,5", "gpt-5-codex,8"]);
      expect((await get(lead, "since=yesterday")).status).toBe(400);
      // Each served account's windows: the keys' estimated shares add up to how full the window is.
      const windows = (all.windows ?? []).filter((x) => x.keys.length > 0);
      expect(windows.length).toBe(2 * served.length);
      for (const x of windows) expect(x.keys.reduce((n, k) => n + k.usedPercent, 0)).toBeCloseTo(x.usedPercent, 5);
      expect(own.pool).toEqual({ "5h": 50, weekly: 75 });

      // The operator's command: the same totals, the same shares.
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: w.env.HOME ?? "",
        PRODEX_HOME: join(w.env.HOME ?? "", "prodex"),
        NO_COLOR: "1",
        PRODEX_DATABASE_URL: w.url,
      };
      const cli = await prodexCli(env, ["gateway", "usage", "--by", "key", "--since", "1h", "--json"]);
      expect(cli.code, cli.stderr).toBe(0);
      const report = JSON.parse(cli.stdout) as Report;
      expect(report.groups).toEqual(all.groups);
      expect(report.windows?.filter((x) => x.keys.length > 0).length).toBe(windows.length);
      const text = await prodexCli(env, ["gateway", "usage", "--by", "account"]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain("who used each account's windows");
      const shares = await prodexCli(env, ["gateway", "usage", "--csv", "--windows"]);
      expect(shares.stdout.split("\n")[0]).toBe(
        "account,window,windowUsedPercent,resetAt,key,requests,tokens,share,keyUsedPercent",
      );
      const bad = await prodexCli(env, ["gateway", "usage", "--by", "colour"]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('--by "colour" is not a grouping');
    } finally {
      await w.close();
    }
  }, 120_000);
});

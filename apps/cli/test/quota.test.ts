import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliEnv, cliEnv } from "@prodex/testkit/cli-env";

let world: CliEnv | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

type QuotaJson = {
  schema: string;
  profiles: {
    name: string;
    status: string;
    stale: boolean;
    error: string | null;
    windows: { label: string; usedPercent: number; remainingPercent: number; resetInSeconds: number | null }[];
  }[];
};

const three = [
  {
    id: "acct-a",
    primary: { usedPercent: 12, resetAfterSeconds: 3600 },
    secondary: { usedPercent: 40, resetAfterSeconds: 259_200 },
  },
  {
    id: "acct-b",
    primary: { usedPercent: 80, resetAfterSeconds: 1800 },
    secondary: { usedPercent: 95, resetAfterSeconds: 86_400 },
  },
  { id: "acct-c", primary: { usedPercent: 100, resetAfterSeconds: 600 }, secondary: null },
];

describe("prodex quota", () => {
  test("three profiles show their windows in --all --json", async () => {
    world = await cliEnv(three);
    const r = await world.prodex(["quota", "--all", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as QuotaJson;
    expect(json.schema).toBe("prodex.quota/v1");
    expect(json.profiles.map((p) => [p.name, p.status])).toEqual([
      ["p1", "ready"],
      ["p2", "critical"],
      ["p3", "exhausted"],
    ]);
    const p1 = json.profiles[0];
    expect(p1?.windows.map((w) => [w.label, w.usedPercent, w.remainingPercent])).toEqual([
      ["5h", 12, 88],
      ["weekly", 40, 60],
    ]);
    expect(p1?.windows[0]?.resetInSeconds).toBeGreaterThan(3500);
    expect(json.profiles[2]?.windows.map((w) => w.label)).toEqual(["5h"]);
  });

  test("the table shows status, bars and time to reset in a stable order", async () => {
    world = await cliEnv(three);
    const r = await world.prodex(["quota", "--all", "--once"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/PROFILE\s+STATUS\s+5H USED\s+WEEKLY USED/);
    expect(lines[1]).toMatch(/p1\s+Ready\s+#+\.+\s+12%\s+(59m|1h)\s/);
    expect(lines[2]).toMatch(/p2\s+Critical/);
    expect(lines[3]).toMatch(/p3\s+Exhausted\s+#+\s+100%\s+(9m 5\ds|10m)\s+unknown/);
  });

  test("a failed fetch keeps the last good snapshot and says how old it is", async () => {
    world = await cliEnv([{ id: "acct-a", primary: { usedPercent: 30 } }]);
    expect((await world.prodex(["quota", "--json"])).code).toBe(0);
    const r = await world.prodex(["quota", "--json", "--base-url", "http://127.0.0.1:9/backend-api"]);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout) as QuotaJson;
    expect(json.profiles[0]?.stale).toBe(true);
    expect(json.profiles[0]?.error).toContain("127.0.0.1:9");
    expect(json.profiles[0]?.windows[0]?.usedPercent).toBe(30);
  });

  test("eight concurrent quota processes refreshing one expiring token: exactly one refresh, no reuse", async () => {
    world = await cliEnv([{ id: "acct-a", primary: { usedPercent: 5 } }]);
    const home = join(world.env.PRODEX_HOME as string, "profiles", "p1");
    writeFileSync(join(home, "auth.json"), JSON.stringify(world.mock.authFile("acct-a", { expiresInSeconds: 30 })));
    const w = world;
    const runs = await Promise.all(Array.from({ length: 8 }, () => w.prodex(["quota", "--json"])));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as QuotaJson).profiles[0]?.error).toBeNull();
    }
    expect(world.mock.refreshCalls("acct-a")).toBe(1);
    const account = world.mock.accounts().find((a) => a.id === "acct-a");
    expect(account?.tokens.refresh.length).toBeGreaterThan(0);
  }, 60_000);

  test("a corrupt auth.json is one clear line; the other profiles keep working", async () => {
    world = await cliEnv([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 7 } },
    ]);
    writeFileSync(join(world.env.PRODEX_HOME as string, "profiles", "p1", "auth.json"), "{not json");
    const r = await world.prodex(["quota", "--all", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as QuotaJson;
    expect(json.profiles[0]?.error).toContain("not valid JSON");
    expect(json.profiles[1]?.windows[0]?.usedPercent).toBe(7);
  });
});

import { describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { infoSchema } from "../../apps/cli/src/output/schemas/info.ts";
import { eventLineSchema, runtimeLineSchema } from "../../apps/cli/src/output/schemas/logs.ts";
import { type CliEnv, useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// info, logs and cleanup against a real store (temp PRODEX_HOME), as subprocesses.

const openEnv = useCliEnvs();

const H = 3_600_000;

function withCtx<T>(w: CliEnv, fn: (ctx: Context) => T): T {
  const ctx = new Context({ env: w.env, source: "test-setup" });
  try {
    return fn(ctx);
  } finally {
    ctx.close();
  }
}

function fiveHour(used: number, resetAt: number) {
  return [{ label: "5h" as const, usedPercent: used, windowSeconds: 18_000, resetAt, limit: "codex" }];
}

describe("prodex info", () => {
  test("pools stored quota, estimates the run-out from the recent burn, lists live and dead processes", async () => {
    const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
    const now = Date.now();
    withCtx(world, (ctx) => {
      const [a, b] = ctx.store.profiles.list();
      if (!a || !b) throw new Error("profiles missing");
      // a: 20 → 50% over the last 3 hours; b: steady at 10%. Pool: 50 + 90 = 140 left, 10 points/h.
      for (const [ago, used] of [
        [3, 20],
        [2, 30],
        [1, 40],
        [0, 50],
      ] as const)
        ctx.store.usage.insert({
          profileId: a.id,
          fetchedAt: now - ago * H,
          source: "headers",
          plan: "plus",
          windows: fiveHour(used, now + 4 * H),
        });
      for (const ago of [3, 0])
        ctx.store.usage.insert({
          profileId: b.id,
          fetchedAt: now - ago * H,
          source: "live",
          plan: "pro",
          windows: fiveHour(10, now + 2 * H),
        });
      ctx.store.runtimes.register({
        id: "serve:gone",
        kind: "serve",
        pid: 2_147_483_000,
        url: "http://127.0.0.1:1",
        upstream: "u",
        secretPath: null,
      });
    });
    const serving = startProdex(["serve", "--json"], world.env);
    try {
      await serving.firstLine;
      const r = await world.prodex(["info", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const info = infoSchema.parse(JSON.parse(r.stdout));
      expect(info.profiles.map((p) => [p.name, p.fiveHourRemainingPercent, p.plan])).toEqual([
        ["p1", 50, "plus"],
        ["p2", 90, "pro"],
      ]);
      const w = info.pool.windows.find((x) => x.label === "5h");
      expect(w).toMatchObject({
        profiles: 2,
        remainingPercent: 140,
        capacityPercent: 200,
        averageRemainingPercent: 70,
      });
      expect(w?.burnPercentPerHour).toBeCloseTo(10, 1);
      // 140 account-percent at 10/h: about 14 hours.
      expect((w?.runsOutInSeconds ?? 0) / 3600).toBeCloseTo(14, 0);
      expect(info.pool.runsOutAt).toBe(w?.runsOutAt ?? null);
      expect(info.runtimes.map((x) => [x.id === "serve:gone" ? "gone" : "live", x.alive])).toEqual([
        ["gone", false],
        ["live", true],
      ]);
      expect(info.runtimes.find((x) => x.alive)?.pid).toBe(serving.proc.pid);

      const text = await world.prodex(["info"]);
      expect(text.stdout).toContain("1.4 of 2 accounts' worth left (70% each on average)");
      expect(text.stdout).toMatch(/runs out in 1[34]h/);
      expect(text.stdout).toContain("dead (prodex cleanup removes it)");
    } finally {
      serving.proc.kill("SIGTERM");
      await serving.exit();
    }
  }, 60_000);

  test("no profiles: says how to start", async () => {
    const world = await openEnv([]);
    const r = await world.prodex(["info"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no profiles yet");
  }, 60_000);
});

describe("prodex logs", () => {
  test("--json lines, --profile and --since filter, --follow tails until SIGTERM (exit 0) or SIGINT (130)", async () => {
    const world = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
    const now = Date.now();
    withCtx(world, (ctx) => {
      ctx.events.emit({ kind: "control", profile: "p1", message: "old p1", at: now - 5 * H });
      ctx.events.emit({
        kind: "rotation",
        level: "warn",
        profile: "p2",
        message: "p1 → p2",
        at: now - 60_000,
        data: { from: "p1", to: "p2", reason: "usage limit reached", kind: "quota", client: "codex" },
      });
      ctx.events.emit({ kind: "control", profile: "p1", message: "recent p1", at: now - 30_000 });
    });
    const all = await world.prodex(["logs", "--json"]);
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trim()
      .split("\n")
      .map((l) => eventLineSchema.parse(JSON.parse(l)));
    expect(lines.map((l) => l.message)).toEqual(["old p1", "p1 → p2", "recent p1"]);
    expect(lines[1]).toMatchObject({ kind: "rotation", level: "warn", profile: "p2", data: { from: "p1" } });

    const p1 = await world.prodex(["logs", "--profile", "p1", "--since", "1h"]);
    expect(p1.stdout.trim().split("\n")).toHaveLength(1);
    expect(p1.stdout).toContain("recent p1");

    const bad = await world.prodex(["logs", "--since", "yesterday"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since "yesterday" is not a time');

    for (const [signal, code] of [
      ["SIGTERM", 0],
      ["SIGINT", 130],
    ] as const) {
      const tail = startProdex(["logs", "--follow", "--json", "-n", "1"], world.env);
      await tail.firstLine;
      withCtx(world as CliEnv, (ctx) => ctx.events.emit({ kind: "control", message: `live ${signal}` }));
      const deadline = Date.now() + 10_000;
      while (!tail.stdout().includes(`live ${signal}`) && Date.now() < deadline) await Bun.sleep(50);
      expect(tail.stdout()).toContain(`live ${signal}`);
      tail.proc.kill(signal);
      expect(await tail.exit()).toBe(code);
    }
  }, 60_000);

  test("--runtime prints the newest runtime log and follows it", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const dir = world.env.PRODEX_RUNTIME_LOG_DIR as string;
    const missing = await world.prodex(["logs", "--runtime"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no runtime log yet");

    mkdirSync(dir, { recursive: true });
    const file = join(dir, "prodex-runtime-2026-01-01T00-00-00-000Z-1.log");
    writeFileSync(file, "line one\nline two\n");
    writeFileSync(join(dir, "prodex-runtime-latest.path"), `${file}\n`);
    const r = await world.prodex(["logs", "--runtime", "--json", "-n", "1"]);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => runtimeLineSchema.parse(JSON.parse(l))),
    ).toEqual([{ schema: "prodex.runtime-log/v1", file, line: "line two" }]);

    const tail = startProdex(["logs", "--runtime", "--follow"], world.env);
    await tail.firstLine;
    appendFileSync(file, "line three\n");
    const deadline = Date.now() + 10_000;
    while (!tail.stdout().includes("line three") && Date.now() < deadline) await Bun.sleep(50);
    tail.proc.kill("SIGTERM");
    expect(await tail.exit()).toBe(0);
    expect(tail.stdout()).toBe("line one\nline two\nline three\n");
  }, 60_000);
});

describe("prodex cleanup", () => {
  test("--dry-run lists, the real run removes; a home holding a login needs --force", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const logs = world.env.PRODEX_RUNTIME_LOG_DIR as string;
    const prodexHome = world.env.PRODEX_HOME as string;
    mkdirSync(logs, { recursive: true });
    const old = join(logs, "prodex-runtime-2020-01-01T00-00-00-000Z-2147483000.log");
    const fresh = join(logs, "prodex-runtime-2030-01-01T00-00-00-000Z-2147483001.log");
    writeFileSync(old, "x\n");
    writeFileSync(fresh, "y\n");
    utimesSync(old, new Date("2020-01-01"), new Date("2020-01-01"));
    const login = join(prodexHome, "tmp", "login-abc");
    mkdirSync(login, { recursive: true });
    utimesSync(login, new Date(Date.now() - 2 * 24 * H), new Date(Date.now() - 2 * 24 * H));
    const empty = join(prodexHome, "profiles", "leftover");
    const withLogin = join(prodexHome, "profiles", "precious");
    mkdirSync(empty, { recursive: true });
    mkdirSync(withLogin, { recursive: true });
    writeFileSync(join(withLogin, "auth.json"), "{}");
    withCtx(world, (ctx) =>
      ctx.store.runtimes.register({
        id: "proxy:gone",
        kind: "proxy",
        pid: 2_147_483_000,
        url: "http://127.0.0.1:1",
        upstream: "u",
        secretPath: null,
      }),
    );

    const dry = await world.prodex(["cleanup", "--dry-run"]);
    expect(dry.code).toBe(0);
    const planned = dry.stdout.split("\n").filter((l) => l.startsWith("would remove "));
    for (const t of [old, login, empty, "proxy:gone"]) expect(planned.some((l) => l.includes(` ${t} (`))).toBe(true);
    expect(planned).toHaveLength(4);
    expect(dry.stdout).toContain(`kept ${withLogin}`);
    expect(dry.stdout).toContain(`prodex profile add precious --codex-home ${withLogin}`);
    expect(existsSync(old) && existsSync(login) && existsSync(empty)).toBe(true);

    const real = await world.prodex(["cleanup"]);
    expect(real.code).toBe(0);
    expect(existsSync(old) || existsSync(login) || existsSync(empty)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(withLogin)).toBe(true);
    expect(existsSync(join(prodexHome, "profiles", "p1", "auth.json"))).toBe(true);
    expect(withCtx(world, (ctx) => ctx.store.runtimes.list())).toEqual([]);

    const forced = await world.prodex(["cleanup", "--force"]);
    expect(forced.stdout).toContain(`removed profile home ${withLogin}`);
    expect(existsSync(withLogin)).toBe(false);
    expect(readdirSync(join(prodexHome, "profiles"))).toEqual(["p1"]);
    expect((await world.prodex(["cleanup"])).stdout.trim()).toBe("nothing to clean up");
  }, 60_000);
});

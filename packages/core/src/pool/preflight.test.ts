import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { writeAuth } from "../auth/auth-file.ts";
import { Context } from "../context.ts";
import { NoReadyProfileError, UsageError } from "../errors.ts";
import { addProfile } from "../profiles/profile-service.ts";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { preflight } from "./preflight.ts";

const temp = useTempDirs("prodex-preflight-");
let open: { mock: MockBackend; ctx: Context } | null = null;
afterEach(async () => {
  open?.ctx.close();
  await open?.mock.stop();
  open = null;
});

type Probe = { active: number; maxActive: number; paths: string[] };

/** A pool p1..pN over mock accounts; usage calls go through a fetch that is slow on purpose and counted. */
async function pool(
  accounts: MockAccountInit[],
  options: { noLogin?: string[] } = {},
): Promise<{ mock: MockBackend; ctx: Context; probe: Probe }> {
  const mock = await createMockBackend({ accounts });
  const dir = temp();
  const probe: Probe = { active: 0, maxActive: 0, paths: [] };
  const slow = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!url.pathname.endsWith("/wham/usage")) return fetch(input, init);
    probe.paths.push(new Headers(init?.headers).get("chatgpt-account-id") ?? "?");
    probe.active++;
    probe.maxActive = Math.max(probe.maxActive, probe.active);
    try {
      await Bun.sleep(150);
      return await fetch(input, init);
    } finally {
      probe.active--;
    }
  }) as typeof fetch;
  const ctx = new Context({
    env: {
      HOME: join(dir, "home"),
      PRODEX_HOME: join(dir, "prodex"),
      PRODEX_SHARED_CODEX_HOME: join(dir, "shared"),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
    },
    fetch: slow,
  });
  open = { mock, ctx };
  accounts.forEach((a, i) => {
    const row = addProfile(ctx, { name: `p${i + 1}` });
    if (!options.noLogin?.includes(row.name)) writeAuth(row.codexHome, mock.authFile(a.id));
    ctx.store.profiles.update(row.name, { accountId: a.id });
  });
  return { mock, ctx, probe };
}

describe("preflight", () => {
  test("the preferred profile is ready: kept, nobody else probed", async () => {
    const { mock, ctx, probe } = await pool([
      { id: "acct-1", primary: { usedPercent: 30 } },
      { id: "acct-2", primary: { usedPercent: 0 } },
    ]);
    const r = await preflight(ctx, mock.baseUrl, "p1");
    expect(r.profile).toBe("p1");
    expect(r.reason).toBe("p1 is ready");
    expect(probe.paths).toEqual(["acct-1"]);
    expect(r.probed.map((p) => p.profile.name)).toEqual(["p1"]);
  });

  test("the preferred profile is exhausted: the others are probed in parallel and the best is chosen", async () => {
    const { mock, ctx, probe } = await pool([
      { id: "acct-1", primary: { usedPercent: 100, resetAfterSeconds: 600 }, secondary: null },
      { id: "acct-2", primary: { usedPercent: 85 }, secondary: null },
      { id: "acct-3", primary: { usedPercent: 10 }, secondary: null },
    ]);
    const r = await preflight(ctx, mock.baseUrl, "p1");
    expect(r.profile).toBe("p3");
    expect(r.reason).toMatch(/^p1 is exhausted; picked p3/);
    expect(probe.paths[0]).toBe("acct-1");
    expect(probe.paths.slice(1).toSorted()).toEqual(["acct-2", "acct-3"]);
    // Both others were in flight at once.
    expect(probe.maxActive).toBe(2);
    expect(r.probed.map((p) => p.profile.name)).toEqual(["p1", "p2", "p3"]);
  });

  test("a logged-out preferred profile falls back to a ready one", async () => {
    const { mock, ctx } = await pool([{ id: "acct-1" }, { id: "acct-2", primary: { usedPercent: 5 } }], {
      noLogin: ["p1"],
    });
    const r = await preflight(ctx, mock.baseUrl, "p1");
    expect(r.profile).toBe("p2");
    expect(r.reason).toContain("p1 could not be checked");
  });

  test("no preference: the first profile is checked first", async () => {
    const { mock, ctx, probe } = await pool([{ id: "acct-1" }, { id: "acct-2" }]);
    expect((await preflight(ctx, mock.baseUrl, null)).profile).toBe("p1");
    expect(probe.paths).toEqual(["acct-1"]);
  });

  test("nothing can serve: NoReadyProfileError (exit 2) with the earliest reset", async () => {
    const { mock, ctx } = await pool([
      { id: "acct-1", primary: { usedPercent: 100, resetAfterSeconds: 1800 }, secondary: null },
      { id: "acct-2", primary: { usedPercent: 100, resetAfterSeconds: 600 }, secondary: null },
      { id: "acct-3", primary: { usedPercent: 100, resetAfterSeconds: 3000 }, secondary: null },
    ]);
    const before = Date.now();
    const err = await preflight(ctx, mock.baseUrl, "p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoReadyProfileError);
    const e = err as NoReadyProfileError;
    expect(e.exitCode).toBe(2);
    expect(e.earliestReset).not.toBeNull();
    // The mock states resets in whole seconds: allow for rounding and test time.
    expect(e.earliestReset as number).toBeGreaterThanOrEqual(before + 598_000);
    expect(e.earliestReset as number).toBeLessThanOrEqual(Date.now() + 601_000);
    expect(e.message).toMatch(
      /^no profile can serve now: no profile can serve; skipped p1 \(usage limit reached\), p2 \(usage limit reached\), p3 \(usage limit reached\)$/,
    );
    expect(e.hint).toMatch(/^the earliest resets at /);
  });

  test("no profiles at all is a UsageError telling how to add one", async () => {
    const { mock, ctx } = await pool([]);
    const err = await preflight(ctx, mock.baseUrl, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).hint).toContain("prodex login");
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type AuthJson, type MockBackend, createMockBackend } from "@prodex/mock";
import { Context } from "../context.ts";
import { AuthError, UpstreamError } from "../errors.ts";
import { Faults, parseFaults } from "../faults/faults.ts";
import { addProfile } from "../profiles/profile-service.ts";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { authPath, parseAuth, writeAuth } from "./auth-file.ts";
import { type TokenHooks, TokenManager } from "./token-refresh.ts";

// The token seams of PRODEX_FAULTS (docs/faults.md) and what prodex does about each failure.

const temp = useTempDirs("prodex-refresh-faults-");
const WORKER = join(import.meta.dir, "fixtures", "refresh-worker.ts");

let mock: MockBackend;
beforeAll(async () => {
  mock = await createMockBackend({
    accounts: [{ id: "acct-1" }, { id: "acct-2" }, { id: "acct-3" }, { id: "acct-4" }],
  });
});
afterAll(() => mock.stop());

function homeWith(
  account: string,
  expiresInSeconds: number,
): { ref: { name: string; codexHome: string }; auth: AuthJson } {
  const codexHome = temp();
  const auth = mock.authFile(account, { expiresInSeconds });
  writeAuth(codexHome, auth);
  return { ref: { name: "p1", codexHome }, auth };
}

async function useRefreshToken(token: string): Promise<void> {
  const res = await fetch(mock.refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: token,
    }),
  });
  expect(res.status).toBe(200);
}

const faults = (text: string) => new Faults(parseFaults(text));
const live = (account: string) => mock.accounts().find((a) => a.id === account)?.tokens ?? { access: [], refresh: [] };

describe("token faults", () => {
  test("token.down: UpstreamError (retry later), auth.json exactly as before, the next try refreshes", async () => {
    const { ref } = homeWith("acct-1", 30);
    const before = readFileSync(authPath(ref.codexHome), "utf8");
    const calls = mock.refreshCalls("acct-1");
    const tokens = new TokenManager({ refreshUrl: mock.refreshUrl, faults: faults("token.down:1") });
    const err = await tokens.current(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toContain("ECONNREFUSED");
    expect(readFileSync(authPath(ref.codexHome), "utf8")).toBe(before);
    expect(readdirSync(ref.codexHome).toSorted()).toEqual(["auth.json", "auth.json.lock"]);
    expect(labelled(`${authPath(ref.codexHome)}.lock`)).toBe(false);
    const fresh = await tokens.current(ref);
    expect(mock.refreshCalls("acct-1")).toBe(calls + 1);
    expect(live("acct-1").refresh).toContain(fresh.refreshToken);
  });

  test("token.reused: needs login, hook told once, auth.json untouched", async () => {
    const { ref } = homeWith("acct-2", 30);
    const before = readFileSync(authPath(ref.codexHome), "utf8");
    const needs: string[] = [];
    const tokens = new TokenManager({
      refreshUrl: mock.refreshUrl,
      faults: faults("token.reused@p1"),
      hooks: { onNeedsLogin: (_p, why) => needs.push(why) },
    });
    const err = await tokens.current(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).needsLogin).toBe(true);
    expect(needs).toEqual(["refresh_token_reused"]);
    expect(readFileSync(authPath(ref.codexHome), "utf8")).toBe(before);
  });

  test("a refresh rejected while a new login replaced the file: the new login is used, nobody needs to log in", async () => {
    const { ref, auth } = homeWith("acct-2", 30);
    // Our refresh token was used elsewhere already: the endpoint will call it reused.
    await useRefreshToken(auth.tokens.refresh_token);
    const relogin = mock.authFile("acct-2");
    const needs: string[] = [];
    // `prodex login` writes a fresh login (without the lock, as it may) while our refresh is on the wire.
    const meanwhile: typeof fetch = Object.assign(
      async (input: string | URL | Request, init?: RequestInit) => {
        writeAuth(ref.codexHome, relogin);
        return fetch(input, init);
      },
      { preconnect: fetch.preconnect },
    );
    const got = await new TokenManager({
      refreshUrl: mock.refreshUrl,
      fetch: meanwhile,
      hooks: { onNeedsLogin: (_p, why) => needs.push(why) },
    }).current(ref);
    expect(got.refreshToken).toBe(relogin.tokens.refresh_token);
    expect(needs).toEqual([]);
  });

  test("hooks that throw (a busy store) never fail a refresh that worked", async () => {
    const { ref } = homeWith("acct-3", 30);
    const boom = () => {
      throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    };
    const hooks: TokenHooks = { onRefreshed: boom, onFailed: boom, onNeedsLogin: boom };
    const got = await new TokenManager({ refreshUrl: mock.refreshUrl, hooks }).current(ref);
    expect(live("acct-3").refresh).toContain(got.refreshToken);
    expect(JSON.parse(readFileSync(authPath(ref.codexHome), "utf8")).tokens.refresh_token).toBe(got.refreshToken);
  });

  test("a process killed mid-refresh (token.hang, lock held): the next refreshes at once, exactly once, no reuse", async () => {
    const { ref, auth } = homeWith("acct-4", 30);
    const calls = mock.refreshCalls("acct-4");
    const worker = Bun.spawn(["bun", WORKER, ref.codexHome, mock.refreshUrl, "0"], {
      stdout: "ignore",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PRODEX_FAULTS: "token.hang" },
    });
    const lock = `${authPath(ref.codexHome)}.lock`;
    try {
      const until = Date.now() + 15_000;
      while (!labelled(lock) && Date.now() < until) await Bun.sleep(20);
      expect(labelled(lock)).toBe(true);
    } finally {
      worker.kill("SIGKILL");
      await worker.exited;
    }
    // The killed process held the lock (its label is still there) and sent nothing.
    expect(labelled(lock)).toBe(true);
    expect(mock.refreshCalls("acct-4")).toBe(calls);
    expect(JSON.parse(readFileSync(authPath(ref.codexHome), "utf8"))).toEqual(auth);

    const started = Date.now();
    const got = await new TokenManager({ refreshUrl: mock.refreshUrl }).current(ref);
    // The kernel dropped the dead holder's lock: no stale check to wait for.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(mock.refreshCalls("acct-4")).toBe(calls + 1);
    expect(live("acct-4").refresh).toEqual([got.refreshToken]);
    expect(parseAuth(readFileSync(authPath(ref.codexHome), "utf8")).kind).toBe("chatgpt");
    expect(readdirSync(ref.codexHome).toSorted()).toEqual(["auth.json", "auth.json.lock"]);
    expect(labelled(lock)).toBe(false);
  }, 30_000);
});

describe("Context wiring", () => {
  test("PRODEX_FAULTS reaches the token seams; a bad value fails at start-up with one line", () => {
    const dir = temp();
    const env = { HOME: join(dir, "home"), PRODEX_HOME: join(dir, "prodex"), PRODEX_FAULTS: "token.down@p1:1" };
    expect(new Context({ env }).faults?.specs).toEqual([{ name: "token.down", arg: null, profile: "p1", count: 1 }]);
    expect(new Context({ env: { ...env, PRODEX_FAULTS: undefined } }).faults).toBeNull();
    expect(() => new Context({ env: { ...env, PRODEX_FAULTS: "token.gone" } })).toThrow(
      'PRODEX_FAULTS: unknown fault "token.gone" in "token.gone"',
    );
  });

  test("db.busy: store writes fail as SQLITE_BUSY, reads work, and the count runs out", () => {
    const dir = temp();
    const env = { HOME: join(dir, "home"), PRODEX_HOME: join(dir, "prodex") };
    const setup = new Context({ env });
    addProfile(setup, { name: "p1" });
    setup.close();
    const ctx = new Context({ env: { ...env, PRODEX_FAULTS: "db.busy:2" } });
    try {
      const write = () => ctx.store.profiles.markSelected("p1", 1);
      expect(write).toThrow("database is locked");
      let code: unknown;
      try {
        write();
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code).toBe("SQLITE_BUSY");
      expect(ctx.store.profiles.get("p1")?.name).toBe("p1");
      write();
      expect(ctx.store.profiles.get("p1")?.lastSelectedAt).toBe(1);
      expect(ctx.store.integrityCheck()).toEqual([]);
    } finally {
      ctx.close();
    }
  });
});

/** The lock file names a holder: held now, or its holder died holding it. */
function labelled(lock: string): boolean {
  return existsSync(lock) && readFileSync(lock, "utf8") !== "";
}

import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { authPath, writeAuth } from "../auth/auth-file.ts";
import { Context } from "../context.ts";
import { ConflictError, NotFoundError, UsageError } from "../errors.ts";
import { claims, unsignedJwt } from "@prodex/testkit/test-jwt";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import {
  addProfile,
  currentName,
  getProfile,
  importCurrent,
  listProfiles,
  removeProfile,
  syncFromAuth,
  useProfile,
} from "./profile-service.ts";

const temp = useTempDirs("prodex-profiles-");

type World = { dir: string; ctx: Context; env: Record<string, string> };
function world(extra: Record<string, string> = {}): World {
  const dir = temp();
  const env = {
    HOME: join(dir, "home"),
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared"),
    ...extra,
  };
  const ctx = new Context({ env, source: "test" });
  return { dir, ctx, env };
}
async function withWorld(fn: (w: World) => void | Promise<void>, extra: Record<string, string> = {}): Promise<void> {
  const w = world(extra);
  try {
    await fn(w);
  } finally {
    w.ctx.close();
  }
}

/** A Codex home logged in to `account` (unsigned tokens, like Codex's test logins). */
function codexHome(dir: string, name: string, account: string, mode = 0o600): string {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  writeFileSync(
    authPath(home),
    JSON.stringify({
      auth_mode: "chatgpt",
      OPENAI_API_KEY: null,
      tokens: {
        id_token: unsignedJwt(claims(account, exp)),
        access_token: unsignedJwt(claims(account, exp)),
        refresh_token: `rt-${account}`,
        account_id: account,
      },
      last_refresh: new Date().toISOString(),
    }),
    { mode },
  );
  return home;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("addProfile", () => {
  test("managed without a login: 0700 home with shared links, first profile becomes current", () =>
    withWorld(({ ctx }) => {
      const row = addProfile(ctx, { name: "main" });
      expect(row).toMatchObject({
        name: "main",
        kind: "managed",
        codexHome: join(ctx.paths.profilesDir, "main"),
        accountId: null,
      });
      expect(statSync(row.codexHome).mode & 0o777).toBe(0o700);
      expect(lstatSync(join(row.codexHome, "sessions")).isSymbolicLink()).toBe(true);
      expect(existsSync(authPath(row.codexHome))).toBe(false);
      expect(currentName(ctx)).toBe("main");
      addProfile(ctx, { name: "second" });
      expect(currentName(ctx)).toBe("main");
      addProfile(ctx, { name: "third", activate: true });
      expect(currentName(ctx)).toBe("third");
    }));

  test("--copy-from copies the login as a private 0600 file and reads its identity", () =>
    withWorld(({ ctx, dir }) => {
      const src = codexHome(dir, "src", "acct-1", 0o644);
      const before = readFileSync(authPath(src), "utf8");
      const row = addProfile(ctx, { name: "work", copyFrom: src });
      expect(row).toMatchObject({ kind: "managed", accountId: "acct-1", email: "acct-1@example.com", plan: "plus" });
      expect(readFileSync(authPath(row.codexHome), "utf8")).toBe(before);
      expect(statSync(authPath(row.codexHome)).mode & 0o777).toBe(0o600);
      expect(readFileSync(authPath(src), "utf8")).toBe(before);
    }));

  test("--codex-home registers an external home as is", () =>
    withWorld(({ ctx, dir }) => {
      const ext = codexHome(dir, "ext", "acct-2");
      const row = addProfile(ctx, { name: "ext", codexHome: ext });
      expect(row).toMatchObject({ kind: "external", codexHome: ext, accountId: "acct-2" });
      // Not linked or touched: it belongs to the user.
      expect(existsSync(join(ext, "sessions"))).toBe(false);
    }));

  test("--codex-home of an empty directory is allowed (log in later)", () =>
    withWorld(({ ctx, dir }) => {
      const empty = join(dir, "empty");
      mkdirSync(empty);
      expect(addProfile(ctx, { name: "later", codexHome: empty }).accountId).toBeNull();
    }));

  const refusals: { name: string; run: (w: World) => unknown; type: typeof UsageError; message: RegExp }[] = [
    {
      name: "invalid name",
      run: ({ ctx }) => addProfile(ctx, { name: "../x" }),
      type: UsageError,
      message: /^invalid profile name "\.\.\/x"$/,
    },
    {
      name: "duplicate name",
      run: ({ ctx }) => (addProfile(ctx, { name: "a" }), addProfile(ctx, { name: "a" })),
      type: ConflictError,
      message: /^a profile named "a" already exists$/,
    },
    {
      name: "duplicate account via --copy-from names the existing profile",
      run: ({ ctx, dir }) => (
        addProfile(ctx, { name: "first", copyFrom: codexHome(dir, "s1", "acct-9") }),
        addProfile(ctx, { name: "again", copyFrom: codexHome(dir, "s2", "acct-9") })
      ),
      type: ConflictError,
      message: /^this account \(acct-9\) is already the profile "first"$/,
    },
    {
      name: "duplicate account via --codex-home names the existing profile",
      run: ({ ctx, dir }) => (
        addProfile(ctx, { name: "first", copyFrom: codexHome(dir, "s1", "acct-9") }),
        addProfile(ctx, { name: "ext", codexHome: codexHome(dir, "s2", "acct-9") })
      ),
      type: ConflictError,
      message: /already the profile "first"/,
    },
    {
      name: "--copy-from without a login",
      run: ({ ctx, dir }) => (
        mkdirSync(join(dir, "nologin")), addProfile(ctx, { name: "x", copyFrom: join(dir, "nologin") })
      ),
      type: UsageError,
      message: /^no login found in .*nologin\/auth\.json$/,
    },
    {
      name: "--copy-from a missing directory",
      run: ({ ctx, dir }) => addProfile(ctx, { name: "x", copyFrom: join(dir, "missing") }),
      type: UsageError,
      message: /^no login found in .*missing\/auth\.json$/,
    },
    {
      name: "--copy-from an API key login",
      run: ({ ctx, dir }) => (
        mkdirSync(join(dir, "k")),
        writeFileSync(join(dir, "k", "auth.json"), '{"OPENAI_API_KEY":"sk-1"}'),
        addProfile(ctx, { name: "x", copyFrom: join(dir, "k") })
      ),
      type: UsageError,
      message: /holds an API key; prodex pools ChatGPT logins$/,
    },
    {
      name: "--copy-from a corrupt auth.json",
      run: ({ ctx, dir }) => (
        mkdirSync(join(dir, "c")),
        writeFileSync(join(dir, "c", "auth.json"), "{"),
        addProfile(ctx, { name: "x", copyFrom: join(dir, "c") })
      ),
      type: UsageError,
      message: /c\/auth\.json is not valid JSON$/,
    },
    {
      name: "--codex-home that does not exist",
      run: ({ ctx, dir }) => addProfile(ctx, { name: "x", codexHome: join(dir, "nope") }),
      type: UsageError,
      message: /^--codex-home .*nope is not a directory$/,
    },
    {
      name: "both --codex-home and --copy-from",
      run: ({ ctx, dir }) => addProfile(ctx, { name: "x", codexHome: dir, copyFrom: dir }),
      type: UsageError,
      message: /cannot be used together/,
    },
    {
      name: "an orphan managed home that still holds a login",
      run: ({ ctx }) => (
        writeAuth(join(ctx.paths.profilesDir, "orphan"), { OPENAI_API_KEY: "sk" }), addProfile(ctx, { name: "orphan" })
      ),
      type: ConflictError,
      message: /already holds a login but no profile uses it$/,
    },
  ];
  for (const r of refusals) {
    test(`refuses: ${r.name}`, () =>
      withWorld((w) => {
        const e = thrown(() => r.run(w));
        expect(e).toBeInstanceOf(r.type);
        expect((e as Error).message).toMatch(r.message);
        expect((e as Error).message).not.toContain("\n");
        // The refused profile was not added (the scenario's own setup may have added one).
        expect(w.ctx.store.profiles.list().some((p) => ["x", "again", "ext", "../x", "orphan"].includes(p.name))).toBe(
          false,
        );
      }));
  }
});

describe("removeProfile", () => {
  test("keeps the home unless --delete-home; clears current; logs an event", () =>
    withWorld(({ ctx, dir }) => {
      const a = addProfile(ctx, { name: "a", copyFrom: codexHome(dir, "s1", "acct-1") });
      const b = addProfile(ctx, { name: "b", copyFrom: codexHome(dir, "s2", "acct-2"), activate: true });
      removeProfile(ctx, "a");
      expect(existsSync(authPath(a.codexHome))).toBe(true);
      expect(ctx.store.profiles.get("a")).toBeUndefined();
      removeProfile(ctx, "b", { deleteHome: true });
      expect(existsSync(b.codexHome)).toBe(false);
      expect(ctx.store.settings.get("current_profile")).toBeUndefined();
      expect(currentName(ctx)).toBeNull();
      expect(ctx.store.events.list({ kinds: ["control"] }).map((e) => e.message)).toEqual([
        "removed profile a",
        "removed profile b and its home",
      ]);
      // The shared Codex state survives a deleted home.
      expect(existsSync(join(ctx.paths.sharedCodexHome, "sessions"))).toBe(true);
    }));

  test("an external home is never deleted, even with --delete-home", () =>
    withWorld(({ ctx, dir }) => {
      const ext = codexHome(dir, "ext", "acct-3");
      addProfile(ctx, { name: "ext", codexHome: ext });
      removeProfile(ctx, "ext", { deleteHome: true });
      expect(existsSync(authPath(ext))).toBe(true);
      expect(ctx.store.events.list({ kinds: ["control"] }).map((e) => e.message)).toEqual(["removed profile ext"]);
    }));

  test("an unknown profile is NotFoundError pointing at profile list", () =>
    withWorld(({ ctx }) => {
      const e = thrown(() => removeProfile(ctx, "ghost"));
      expect(e).toBeInstanceOf(NotFoundError);
      expect((e as NotFoundError).message).toBe('no profile named "ghost"');
      expect((e as NotFoundError).hint).toBe("see: prodex profile list");
    }));

  test("the account can be added again after removal", () =>
    withWorld(({ ctx, dir }) => {
      addProfile(ctx, { name: "a", copyFrom: codexHome(dir, "s1", "acct-1") });
      removeProfile(ctx, "a", { deleteHome: true });
      expect(addProfile(ctx, { name: "a2", copyFrom: codexHome(dir, "s2", "acct-1") }).accountId).toBe("acct-1");
    }));
});

describe("importCurrent", () => {
  test("copies the login of CODEX_HOME from the Context env, named after the email", async () => {
    const dir = temp();
    const src = codexHome(dir, "codex-home", "acct-imp");
    await withWorld(
      ({ ctx }) => {
        const row = importCurrent(ctx);
        expect(row).toMatchObject({ name: "acct-imp", accountId: "acct-imp", kind: "managed" });
        expect(readFileSync(authPath(row.codexHome), "utf8")).toBe(readFileSync(authPath(src), "utf8"));
        // Importing the same login twice is refused, naming the profile.
        const e = thrown(() => importCurrent(ctx, "other"));
        expect(e).toBeInstanceOf(ConflictError);
        expect((e as Error).message).toContain('"acct-imp"');
      },
      { CODEX_HOME: src },
    );
  });

  test("without CODEX_HOME it reads the shared Codex home (~/.codex)", () =>
    withWorld(({ ctx }) => {
      const shared = ctx.paths.sharedCodexHome;
      codexHome(join(shared, ".."), "shared", "acct-sh");
      expect(importCurrent(ctx, "mine")).toMatchObject({ name: "mine", accountId: "acct-sh" });
    }));

  test("no login there is one clear UsageError naming the file", () => {
    const empty = join(temp(), "empty-codex");
    return withWorld(
      ({ ctx }) => {
        const e = thrown(() => importCurrent(ctx));
        expect(e).toBeInstanceOf(UsageError);
        expect((e as Error).message).toBe(`no Codex login found in ${join(empty, "auth.json")}`);
        expect(ctx.store.profiles.list()).toEqual([]);
      },
      { CODEX_HOME: empty },
    );
  });
});

describe("listProfiles / useProfile / syncFromAuth", () => {
  test("list shows auth kind and the current flag", () =>
    withWorld(({ ctx, dir }) => {
      addProfile(ctx, { name: "a", copyFrom: codexHome(dir, "s1", "acct-1") });
      addProfile(ctx, { name: "b" });
      useProfile(ctx, "b");
      expect(listProfiles(ctx).map((p) => [p.name, p.auth, p.current])).toEqual([
        ["a", "chatgpt", false],
        ["b", "no-auth", true],
      ]);
      expect(() => useProfile(ctx, "zzz")).toThrow(NotFoundError);
      expect(getProfile(ctx, "a").accountId).toBe("acct-1");
    }));

  test("syncFromAuth refuses a login of an account another profile owns", () =>
    withWorld(({ ctx, dir }) => {
      addProfile(ctx, { name: "a", copyFrom: codexHome(dir, "s1", "acct-1") });
      const b = addProfile(ctx, { name: "b", copyFrom: codexHome(dir, "s2", "acct-2") });
      writeFileSync(authPath(b.codexHome), readFileSync(authPath(join(dir, "s1")), "utf8"));
      const e = thrown(() => syncFromAuth(ctx, b));
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as Error).message).toContain('"a"');
      expect(getProfile(ctx, "b").accountId).toBe("acct-2");
    }));
});

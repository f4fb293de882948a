import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { authPath, readAuth, writeAuth } from "../auth/auth-file.ts";
import { Context } from "../context.ts";
import { UsageError } from "../errors.ts";
import { claims, unsignedJwt } from "@prodex/testkit/test-jwt";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { type BundleEntry, applyBundle, bundleEntries, isSealed, openBundle, sealBundle } from "./bundle.ts";
import { addProfile } from "./profile-service.ts";

const temp = useTempDirs("prodex-bundle-");

function login(account: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: unsignedJwt(claims(account, exp)),
      access_token: unsignedJwt(claims(account, exp)),
      refresh_token: `rt-${account}`,
      account_id: account,
    },
    last_refresh: new Date().toISOString(),
    ...extra,
  };
}

function withCtx(fn: (ctx: Context) => void): void {
  const dir = temp();
  const ctx = new Context({
    env: { HOME: join(dir, "home"), PRODEX_HOME: join(dir, "prodex"), PRODEX_SHARED_CODEX_HOME: join(dir, "shared") },
  });
  try {
    fn(ctx);
  } finally {
    ctx.close();
  }
}

function usageError(fn: () => unknown): UsageError {
  let e: unknown = null;
  try {
    fn();
  } catch (err) {
    e = err;
  }
  expect(e).toBeInstanceOf(UsageError);
  expect((e as UsageError).message).not.toContain("\n");
  return e as UsageError;
}

const entries: BundleEntry[] = [
  { name: "a", auth: login("acct-a", { future_field: 1 }) },
  { name: "b", auth: login("acct-b") },
];
// scrypt is deliberately slow: seal once, reuse for the tamper cases.
const SEALED = sealBundle(entries, "pw");

describe("seal / open", () => {
  test("plain round trip", () => {
    const text = sealBundle(entries);
    expect(isSealed(text)).toBe(false);
    expect(JSON.parse(text)).toMatchObject({ format: "prodex-bundle", version: 1, encrypted: false });
    expect(openBundle(text)).toEqual(entries);
  });

  test("encrypted round trip hides the tokens", () => {
    const text = sealBundle(entries, "correct horse");
    expect(isSealed(text)).toBe(true);
    expect(text).not.toContain("rt-acct-a");
    expect(text).not.toContain("acct-a");
    expect(openBundle(text, "correct horse")).toEqual(entries);
  });

  test("two seals of the same data differ (fresh salt and iv)", () => {
    const again = JSON.parse(sealBundle(entries, "pw")) as { iv: string; data: string };
    const first = JSON.parse(SEALED) as { iv: string; data: string };
    expect(again.iv).not.toBe(first.iv);
    expect(again.data).not.toBe(first.data);
  });

  test("wrong password → one clear UsageError", () => {
    const e = usageError(() => openBundle(SEALED, "wrong"));
    expect(e.message).toBe("cannot decrypt the bundle: wrong password or a damaged file");
  });

  type Sealed = { iv: string; tag: string; data: string };
  const tampers: { name: string; edit: (b: Sealed) => void }[] = [
    { name: "one ciphertext byte flipped", edit: (b) => (b.data = flip(b.data)) },
    { name: "auth tag changed", edit: (b) => (b.tag = flip(b.tag)) },
    { name: "iv changed", edit: (b) => (b.iv = flip(b.iv)) },
    {
      name: "ciphertext truncated",
      edit: (b) => (b.data = Buffer.from(b.data, "base64").subarray(0, 10).toString("base64")),
    },
  ];
  for (const t of tampers) {
    test(`tampered (${t.name}) is rejected`, () => {
      const sealed = JSON.parse(SEALED) as Sealed;
      t.edit(sealed);
      const e = usageError(() => openBundle(JSON.stringify(sealed), "pw"));
      expect(e.message).toContain("cannot decrypt the bundle");
    });
  }

  test("absurd key-derivation parameters are refused before any work (no memory blow-up)", () => {
    const sealed = JSON.parse(SEALED) as { kdf: { N: number } };
    sealed.kdf.N = 2 ** 30;
    const e = usageError(() => openBundle(JSON.stringify(sealed), "pw"));
    expect(e.message).toBe("the file is not a prodex bundle");
  });

  const bad: { name: string; text: string; password?: string; message: string }[] = [
    { name: "not JSON", text: "PK\u0003\u0004zip", message: "the bundle is not valid JSON" },
    { name: "some other JSON", text: '{"hello":"world"}', message: "the file is not a prodex bundle" },
    {
      name: "a future version",
      text: JSON.stringify({ format: "prodex-bundle", version: 2, encrypted: false, profiles: [] }),
      message: "the file is not a prodex bundle",
    },
    {
      name: "encrypted without a password",
      text: SEALED,
      message: "the bundle is encrypted and no password was given",
    },
  ];
  for (const b of bad)
    test(b.name, () => expect(usageError(() => openBundle(b.text, b.password)).message).toBe(b.message));
});

function flip(b64: string): string {
  const buf = Buffer.from(b64, "base64");
  buf[0] = (buf[0] ?? 0) ^ 0xff;
  return buf.toString("base64");
}

describe("bundleEntries / applyBundle", () => {
  test("exports only ChatGPT logins and imports them into a fresh home (0600, links, identity)", () => {
    let text = "";
    withCtx((ctx) => {
      const a = addProfile(ctx, { name: "a" });
      writeAuth(a.codexHome, login("acct-a", { future_field: "kept" }));
      addProfile(ctx, { name: "empty" });
      const got = bundleEntries(ctx.store.profiles.list());
      expect(got.map((e) => e.name)).toEqual(["a"]);
      text = sealBundle(got, "pw");
    });
    withCtx((ctx) => {
      expect(applyBundle(ctx, openBundle(text, "pw"))).toEqual([{ name: "a", result: "imported" }]);
      const row = ctx.store.profiles.get("a");
      expect(row).toMatchObject({ kind: "managed", accountId: "acct-a", email: "acct-a@example.com" });
      if (!row) return;
      expect(statSync(authPath(row.codexHome)).mode & 0o777).toBe(0o600);
      expect(statSync(row.codexHome).mode & 0o777).toBe(0o700);
      expect(existsSync(join(row.codexHome, "sessions"))).toBe(true);
      expect(
        (JSON.parse(readFileSync(authPath(row.codexHome), "utf8")) as { future_field?: string }).future_field,
      ).toBe("kept");
    });
  });

  test("skips, one reason each: duplicate account (naming the profile), taken name, bad name, no login", () => {
    withCtx((ctx) => {
      const mine = addProfile(ctx, { name: "mine" });
      writeAuth(mine.codexHome, login("acct-dup"));
      ctx.store.profiles.update("mine", { accountId: "acct-dup" });
      addProfile(ctx, { name: "taken" });
      const outcomes = applyBundle(ctx, [
        { name: "dup", auth: login("acct-dup") },
        { name: "taken", auth: login("acct-new1") },
        { name: "../evil", auth: login("acct-new2") },
        { name: "apikey", auth: { OPENAI_API_KEY: "sk-x" } },
        { name: "broken", auth: { tokens: { id_token: "" } } },
        { name: "ok", auth: login("acct-new3") },
        { name: "ok-twice", auth: login("acct-new3") },
      ]);
      expect(outcomes).toEqual([
        { name: "dup", result: "skipped", why: 'account already in the pool as "mine"' },
        { name: "taken", result: "skipped", why: 'a profile named "taken" already exists' },
        { name: "../evil", result: "skipped", why: "invalid profile name" },
        { name: "apikey", result: "skipped", why: "no ChatGPT login" },
        { name: "broken", result: "skipped", why: expect.stringContaining("unexpected shape") },
        { name: "ok", result: "imported" },
        { name: "ok-twice", result: "skipped", why: 'account already in the pool as "ok"' },
      ]);
      expect(existsSync(join(ctx.paths.profilesDir, "..", "evil"))).toBe(false);
      expect(readAuth(mine.codexHome).kind).toBe("chatgpt");
    });
  });

  test("never overwrites a login left in an orphan managed home", () => {
    withCtx((ctx) => {
      const orphan = join(ctx.paths.profilesDir, "old");
      mkdirSync(orphan, { recursive: true });
      writeFileSync(authPath(orphan), JSON.stringify(login("acct-newer")));
      const before = readFileSync(authPath(orphan), "utf8");
      const [outcome] = applyBundle(ctx, [{ name: "old", auth: login("acct-older") }]);
      expect(outcome?.result).toBe("skipped");
      expect(outcome?.why).toContain(orphan);
      expect(readFileSync(authPath(orphan), "utf8")).toBe(before);
      expect(ctx.store.profiles.get("old")).toBeUndefined();
    });
  });
});

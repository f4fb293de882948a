import { describe, expect, test } from "bun:test";
import { decodeJwt } from "./jwt.ts";
import { TokenStore } from "./tokens.ts";

const who = { accountId: "acct-1", email: "a@example.com", plan: "plus", userId: "user-1" };
const lookup = (id: string) => (id === who.accountId ? who : null);

describe("TokenStore", () => {
  test("a login yields a working access token whose exp follows the ttl", () => {
    const store = new TokenStore();
    const t = store.login(who, 60);
    expect(store.check(t.accessToken)).toEqual({ ok: true, accountId: "acct-1" });
    const exp = Number(decodeJwt(t.accessToken)?.exp);
    expect(exp - Date.now() / 1000).toBeGreaterThan(55);
    expect(store.current("acct-1")).toEqual({ access: [t.accessToken], refresh: [t.refreshToken] });
  });

  test("expired, unknown and missing tokens are refused with their reason", () => {
    const store = new TokenStore();
    const t = store.login(who, -1);
    expect(store.check(t.accessToken)).toEqual({ ok: false, reason: "expired" });
    expect(store.check("nope")).toEqual({ ok: false, reason: "unknown" });
    expect(store.check(null)).toEqual({ ok: false, reason: "missing" });
  });

  test("refresh rotates the refresh token; the old access token lives until it expires", () => {
    const store = new TokenStore();
    const first = store.login(who, 60);
    const r = store.refresh(first.refreshToken, 60, lookup);
    if (!r.ok) throw new Error("refresh failed");
    expect(r.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(store.check(r.tokens.accessToken).ok).toBe(true);
    expect(store.check(first.accessToken).ok).toBe(true);
    expect(store.current("acct-1").refresh).toEqual([r.tokens.refreshToken]);
  });

  test("reusing a rotated refresh token revokes the whole family", () => {
    const store = new TokenStore();
    const first = store.login(who, 60);
    const second = store.refresh(first.refreshToken, 60, lookup);
    if (!second.ok) throw new Error("refresh failed");
    expect(store.refresh(first.refreshToken, 60, lookup)).toEqual({ ok: false, reason: "reused", accountId: "acct-1" });
    expect(store.check(second.tokens.accessToken)).toEqual({ ok: false, reason: "revoked" });
    expect(store.refresh(second.tokens.refreshToken, 60, lookup)).toEqual({
      ok: false,
      reason: "invalidated",
      accountId: "acct-1",
    });
    expect(store.current("acct-1")).toEqual({ access: [], refresh: [] });
  });

  test("other logins of the same account survive a family revocation", () => {
    const store = new TokenStore();
    const a = store.login(who, 60);
    const b = store.login(who, 60);
    store.refresh(a.refreshToken, 60, lookup);
    store.refresh(a.refreshToken, 60, lookup);
    expect(store.check(b.accessToken).ok).toBe(true);
  });

  test("an unknown refresh token is invalidated", () => {
    expect(new TokenStore().refresh("rt_nope", 60, lookup)).toEqual({
      ok: false,
      reason: "invalidated",
      accountId: null,
    });
  });
});

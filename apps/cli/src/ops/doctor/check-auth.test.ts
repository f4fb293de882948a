import { describe, expect, test } from "bun:test";
import type { AuthState } from "@prodex/core";
import { type ProfileAuth, checkAuth } from "./check-auth.ts";

const NOW = 1_800_000_000_000;
const H = 3_600_000;

function chatgpt(accountId: string, expiresAt: number | null, email: string | null = `${accountId}@x.test`): AuthState {
  return {
    kind: "chatgpt",
    json: {},
    accessToken: "at",
    refreshToken: "rt",
    idToken: "it",
    accountId,
    email,
    plan: "plus",
    expiresAt,
    lastRefresh: 0,
  };
}

function profile(name: string, auth: AuthState, extra: Partial<ProfileAuth> = {}): ProfileAuth {
  return {
    name,
    kind: "managed",
    codexHome: `/h/${name}`,
    homeExists: true,
    authState: "ok",
    rowAccountId: auth.kind === "chatgpt" ? auth.accountId : null,
    auth,
    ...extra,
  };
}

describe("checkAuth", () => {
  test("no profiles: a note on how to start", () => {
    expect(checkAuth([], NOW)).toMatchObject([{ id: "auth.none", severity: "info" }]);
  });

  test.each<[string, ProfileAuth, string, string, string | null]>([
    ["healthy", profile("a", chatgpt("acct-a", NOW + 3 * H)), "auth.ok", "ok", null],
    ["expired, refreshable", profile("a", chatgpt("acct-a", NOW - H)), "auth.expired", "info", null],
    ["no expiry claim", profile("a", chatgpt("acct-a", null)), "auth.ok", "ok", null],
    [
      "home gone",
      profile("a", chatgpt("acct-a", NOW + H), { homeExists: false }),
      "auth.home",
      "error",
      "restore it, or: prodex profile remove a",
    ],
    [
      "invalid auth.json",
      profile("a", { kind: "invalid", reason: "auth.json is not valid JSON" }),
      "auth.invalid",
      "error",
      "prodex login -p a",
    ],
    ["no login", profile("a", { kind: "no-auth" }), "auth.missing", "warn", "prodex login -p a"],
    ["api key", profile("a", { kind: "api-key" }), "auth.api-key", "warn", "prodex login -p a"],
    [
      "refresh token rejected",
      profile("a", chatgpt("acct-a", NOW + H), { authState: "needs_login" }),
      "auth.needs-login",
      "error",
      "prodex login -p a",
    ],
    [
      "another account now",
      profile("a", chatgpt("acct-z", NOW + H), { rowAccountId: "acct-a" }),
      "auth.account-changed",
      "warn",
      "prodex login -p a to log the right account back in, or remove and re-add the profile",
    ],
  ])("%s", (_, p, id, severity, fix) => {
    const [f] = checkAuth([p], NOW);
    expect(f).toMatchObject({ id, severity, fix, profile: "a" });
  });

  test("the same account in two profiles is an error naming both", () => {
    const out = checkAuth(
      [
        profile("a", chatgpt("acct-1", NOW + H)),
        profile("b", chatgpt("acct-1", NOW + H)),
        profile("c", chatgpt("acct-2", NOW + H)),
      ],
      NOW,
    );
    const dup = out.filter((f) => f.id === "auth.duplicate");
    expect(dup).toHaveLength(1);
    expect(dup[0]?.message).toBe(
      "profiles a, b are the same account (acct-1@x.test): the pool would count its quota twice",
    );
    expect(dup[0]?.fix).toBe("keep one: prodex profile remove b");
  });

  test("messages carry no token", () => {
    const out = JSON.stringify(checkAuth([profile("a", chatgpt("acct-a", NOW - H))], NOW));
    for (const secret of ['"at"', '"rt"', '"it"']) expect(out).not.toContain(secret);
  });
});

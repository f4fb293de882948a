import { describe, expect, test } from "bun:test";
import { ConflictError } from "../errors.ts";
import { type LoginTarget, type ProfileAccount, loginTarget } from "./login-target.ts";

const account = { accountId: "acct-new", email: "new@example.com" };
const work: ProfileAccount = { name: "work", accountId: "acct-work", email: "w@example.com" };
const blank: ProfileAccount = { name: "new", accountId: null, email: null };
const mine: ProfileAccount = { name: "mine", accountId: "acct-new", email: "new@example.com" };

type Case = [string, string | null, ProfileAccount | null, ProfileAccount[], LoginTarget | RegExp];

describe("loginTarget", () => {
  test.each<Case>([
    ["a new account gets a name from its email", null, null, [], { name: "new", action: "create" }],
    ["-p NAME creates that profile", "work2", null, [work], { name: "work2", action: "create" }],
    ["the account's own profile is updated", null, mine, [mine], { name: "mine", action: "update" }],
    ["-p naming the account's own profile updates it", "mine", mine, [mine], { name: "mine", action: "update" }],
    [
      "-p NAME may re-point another account's profile on purpose",
      "work",
      null,
      [work],
      { name: "work", action: "update" },
    ],
    [
      "a derived name over a profile with no account yet takes it",
      null,
      null,
      [blank],
      { name: "new", action: "update" },
    ],
    ["an account that is already another profile is refused", "other", mine, [mine], /already the profile "mine"/],
    [
      "a derived name never replaces another account's login",
      null,
      null,
      [{ ...work, name: "new" }],
      /a profile named "new" already holds another account \(w@example.com\)/,
    ],
  ])("%s", (_, requested, owner, profiles, want) => {
    const run = () => loginTarget(account, requested, owner, (n) => profiles.find((p) => p.name === n) ?? null);
    if (want instanceof RegExp) {
      expect(run).toThrow(ConflictError);
      expect(run).toThrow(want);
    } else expect(run()).toEqual(want);
  });
});

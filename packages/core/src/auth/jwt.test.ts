import { describe, expect, test } from "bun:test";
import { AUTH_CLAIM, PROFILE_CLAIM, unsignedJwt } from "@prodex/testkit/test-jwt";
import { type JwtInfo, decodeJwt } from "./jwt.ts";

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const none: JwtInfo = { email: null, expiresAt: null, accountId: null, plan: null, userId: null };

describe("decodeJwt", () => {
  const cases: { name: string; token: string; want: JwtInfo | null }[] = [
    {
      name: "all claims Codex reads",
      token: unsignedJwt({
        email: "a@example.com",
        exp: 1_800_000_000,
        [AUTH_CLAIM]: { chatgpt_account_id: "acct-1", chatgpt_plan_type: "pro", chatgpt_user_id: "user-1" },
      }),
      want: {
        email: "a@example.com",
        expiresAt: 1_800_000_000_000,
        accountId: "acct-1",
        plan: "pro",
        userId: "user-1",
      },
    },
    {
      name: "email only in the profile claim",
      token: unsignedJwt({ [PROFILE_CLAIM]: { email: "p@example.com", email_verified: true } }),
      want: { ...none, email: "p@example.com" },
    },
    {
      name: "top-level email wins over the profile claim",
      token: unsignedJwt({ email: "top@example.com", [PROFILE_CLAIM]: { email: "p@example.com" } }),
      want: { ...none, email: "top@example.com" },
    },
    { name: "no claims at all", token: unsignedJwt({}), want: none },
    { name: "fractional exp", token: unsignedJwt({ exp: 1.5 }), want: { ...none, expiresAt: 1500 } },
    {
      name: "unknown claims are ignored",
      token: unsignedJwt({
        iss: "https://auth.openai.com",
        aud: ["x"],
        [AUTH_CLAIM]: { user_id: "u", chatgpt_account_id: "acct-2" },
      }),
      want: { ...none, accountId: "acct-2" },
    },
    {
      // One odd claim (a null plan, a string exp) must not hide the others: the account id still matters.
      name: "wrongly typed claims are dropped, not the whole token",
      token: unsignedJwt({
        email: "x@example.com",
        exp: "soon",
        [AUTH_CLAIM]: { chatgpt_account_id: "acct-3", chatgpt_plan_type: null },
      }),
      want: { ...none, email: "x@example.com", accountId: "acct-3" },
    },
    {
      name: "padded base64 payload",
      token: `${b64({ alg: "none" })}.${Buffer.from(JSON.stringify({ email: "pad@x.io" })).toString("base64")}.s`,
      want: { ...none, email: "pad@x.io" },
    },
    { name: "not a JWT (no dots)", token: "sk-not-a-jwt", want: null },
    { name: "empty string", token: "", want: null },
    { name: "empty payload", token: "a..c", want: null },
    { name: "payload is not base64 JSON", token: "a.%%%not-base64%%%.c", want: null },
    { name: "payload is base64 of non-JSON", token: `a.${Buffer.from("hello").toString("base64url")}.c`, want: null },
    { name: "payload is a JSON array", token: `a.${b64([1, 2])}.c`, want: null },
    { name: "payload is a JSON string", token: `a.${b64("str")}.c`, want: null },
    { name: "payload is JSON null", token: `a.${b64(null)}.c`, want: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(decodeJwt(c.token)).toEqual(c.want);
    });
  }
});

import { describe, expect, test } from "bun:test";
import { AUTH_CLAIM, accessClaims, decodeJwt, encodeJwt } from "./jwt.ts";

const who = { accountId: "acct-1", email: "a@example.com", plan: "pro", userId: "user-1" };

describe("jwt", () => {
  test("round-trips claims in an alg:none token with a non-empty signature", () => {
    const token = encodeJwt(accessClaims(who, 100, 200, "j1"));
    const [h, , sig] = token.split(".");
    expect(JSON.parse(Buffer.from(h ?? "", "base64url").toString())).toEqual({ alg: "none", typ: "JWT" });
    expect(sig?.length).toBeGreaterThan(0);
    const claims = decodeJwt(token);
    expect(claims?.exp).toBe(200);
    expect(claims?.email).toBe("a@example.com");
    expect(claims?.[AUTH_CLAIM]).toEqual({
      chatgpt_account_id: "acct-1",
      chatgpt_plan_type: "pro",
      chatgpt_user_id: "user-1",
      user_id: "user-1",
    });
  });

  test("tokens with equal claims still differ in their last characters", () => {
    const claims = accessClaims(who, 1, 2, "same");
    expect(encodeJwt(claims).slice(-6)).not.toBe(encodeJwt(claims).slice(-6));
  });

  test.each(["", "abc", "a.!!!.c", `a.${Buffer.from("[1]").toString("base64url")}.c`])("decodeJwt(%p) is null", (t) => {
    expect(decodeJwt(t)).toBeNull();
  });
});

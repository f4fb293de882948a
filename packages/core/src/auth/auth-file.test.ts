import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claims, unsignedJwt } from "@prodex/testkit/test-jwt";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { type AuthState, authPath, parseAuth, readAuth, withTokens, writeAuth } from "./auth-file.ts";

const temp = useTempDirs("prodex-auth-");
const EXP = 1_900_000_000;

function chatgptJson(
  extra: Record<string, unknown> = {},
  tokens: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: unsignedJwt(claims("acct-1", EXP + 86_400)),
      access_token: unsignedJwt(claims("acct-1", EXP)),
      refresh_token: "rt-1",
      account_id: "acct-1",
      ...tokens,
    },
    last_refresh: "2026-11-26T11:39:39Z",
    ...extra,
  };
}

type Want = {
  kind: AuthState["kind"];
  reason?: RegExp;
  accountId?: string;
  email?: string | null;
  expiresAt?: number | null;
  lastRefresh?: number;
};

describe("parseAuth classifies auth.json", () => {
  const cases: { name: string; text: string; want: Want }[] = [
    {
      name: "ChatGPT login as Codex writes it",
      text: JSON.stringify(chatgptJson()),
      want: {
        kind: "chatgpt",
        accountId: "acct-1",
        email: "acct-1@example.com",
        expiresAt: EXP * 1000,
        lastRefresh: Date.parse("2026-11-26T11:39:39Z"),
      },
    },
    {
      name: "account id from the id token when tokens.account_id is missing",
      text: JSON.stringify(chatgptJson({}, { account_id: undefined, id_token: unsignedJwt(claims("acct-id", EXP)) })),
      want: { kind: "chatgpt", accountId: "acct-id" },
    },
    {
      name: "account id from the access token as a last resort",
      text: JSON.stringify(
        chatgptJson({}, { account_id: null, id_token: "opaque", access_token: unsignedJwt(claims("acct-acc", EXP)) }),
      ),
      want: { kind: "chatgpt", accountId: "acct-acc", expiresAt: EXP * 1000 },
    },
    {
      name: "opaque tokens with an explicit account id: expiry unknown",
      text: JSON.stringify(chatgptJson({}, { id_token: "opaque-id", access_token: "opaque-access" })),
      want: { kind: "chatgpt", accountId: "acct-1", email: null, expiresAt: null },
    },
    {
      name: "no last_refresh orders as oldest",
      text: JSON.stringify(chatgptJson({ last_refresh: undefined })),
      want: { kind: "chatgpt", lastRefresh: 0 },
    },
    {
      name: "API key login",
      text: JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: "sk-test", tokens: null }),
      want: { kind: "api-key" },
    },
    {
      name: "logged out (all null)",
      text: JSON.stringify({ OPENAI_API_KEY: null, tokens: null }),
      want: { kind: "no-auth" },
    },
    { name: "empty object", text: "{}", want: { kind: "no-auth" } },
    { name: "not JSON", text: "{not json", want: { kind: "invalid", reason: /^auth\.json is not valid JSON$/ } },
    { name: "empty file", text: "", want: { kind: "invalid", reason: /not valid JSON/ } },
    { name: "a JSON array", text: "[]", want: { kind: "invalid", reason: /unexpected shape \(root\)/ } },
    { name: "JSON null", text: "null", want: { kind: "invalid", reason: /unexpected shape \(root\)/ } },
    {
      name: "tokens without a refresh token",
      text: JSON.stringify(chatgptJson({}, { refresh_token: "" })),
      want: { kind: "invalid", reason: /unexpected shape \(tokens\.refresh_token\)/ },
    },
    {
      name: "tokens of the wrong type",
      text: JSON.stringify({ tokens: "abc" }),
      want: { kind: "invalid", reason: /unexpected shape \(tokens\)/ },
    },
    {
      name: "tokens but no account id anywhere",
      text: JSON.stringify(chatgptJson({}, { account_id: null, id_token: "opaque", access_token: "opaque" })),
      want: { kind: "invalid", reason: /has tokens but no account id/ },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = parseAuth(c.text);
      expect(got.kind).toBe(c.want.kind);
      if (got.kind === "invalid") {
        expect(got.reason).toMatch(c.want.reason ?? /./);
        expect(got.reason).not.toContain("\n");
      }
      if (got.kind !== "chatgpt") return;
      if (c.want.accountId !== undefined) expect(got.accountId).toBe(c.want.accountId);
      if (c.want.email !== undefined) expect(got.email).toBe(c.want.email);
      if (c.want.expiresAt !== undefined) expect(got.expiresAt).toBe(c.want.expiresAt);
      if (c.want.lastRefresh !== undefined) expect(got.lastRefresh).toBe(c.want.lastRefresh);
    });
  }

  test("the reason names where the file is", () => {
    const got = parseAuth("nope", "/x/auth.json");
    expect(got).toEqual({ kind: "invalid", reason: "/x/auth.json is not valid JSON" });
  });
});

describe("readAuth", () => {
  test("missing file is no-auth", () => {
    expect(readAuth(temp()).kind).toBe("no-auth");
  });

  test("a corrupt file is invalid and names its path", () => {
    const home = temp();
    writeFileSync(authPath(home), "{");
    const got = readAuth(home);
    expect(got).toEqual({ kind: "invalid", reason: `${authPath(home)} is not valid JSON` });
  });

  test("an unreadable path (a directory) is invalid, not a throw", () => {
    const home = temp();
    mkdirSync(authPath(home));
    const got = readAuth(home);
    expect(got.kind).toBe("invalid");
    if (got.kind === "invalid") expect(got.reason).toContain(`cannot read ${authPath(home)}`);
  });
});

describe("withTokens", () => {
  test("keeps every field it does not own, at the top and inside tokens", () => {
    const prev = parseAuth(
      JSON.stringify(chatgptJson({ future_field: { a: 1 }, auth_mode: "chatgpt" }, { extra_token_field: "keep" })),
    );
    if (prev.kind !== "chatgpt") throw new Error("fixture");
    const now = new Date("2030-01-01T00:00:00Z");
    const next = withTokens(prev.json, { idToken: "id2", accessToken: "at2", refreshToken: "rt2" }, "acct-1", now);
    expect(next).toEqual({
      auth_mode: "chatgpt",
      OPENAI_API_KEY: null,
      future_field: { a: 1 },
      tokens: {
        id_token: "id2",
        access_token: "at2",
        refresh_token: "rt2",
        account_id: "acct-1",
        extra_token_field: "keep",
      },
      last_refresh: "2030-01-01T00:00:00.000Z",
    });
    // The input is not modified.
    expect(prev.json.tokens?.refresh_token).toBe("rt-1");
  });

  test("fills auth_mode for a file that had none", () => {
    const next = withTokens({}, { idToken: "i", accessToken: "a", refreshToken: "r" }, "acct-9");
    expect(next.auth_mode).toBe("chatgpt");
    expect(next.OPENAI_API_KEY).toBeNull();
  });
});

describe("writeAuth", () => {
  test("creates a 0700 home and a 0600 auth.json that reads back", () => {
    const home = join(temp(), "new", "home");
    const json = parseAuth(JSON.stringify(chatgptJson({ keep: true })));
    if (json.kind !== "chatgpt") throw new Error("fixture");
    writeAuth(home, json.json);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(authPath(home)).mode & 0o777).toBe(0o600);
    const back = readAuth(home);
    expect(back.kind).toBe("chatgpt");
    expect(JSON.parse(readFileSync(authPath(home), "utf8"))).toEqual(json.json);
  });

  test("replaces a world-readable file with a 0600 one and leaves no temp files", () => {
    const home = temp();
    writeFileSync(authPath(home), "{}", { mode: 0o644 });
    writeAuth(home, { tokens: null, OPENAI_API_KEY: "sk-x" });
    expect(statSync(authPath(home)).mode & 0o777).toBe(0o600);
    expect(readAuth(home).kind).toBe("api-key");
    expect(readdirSync(home)).toEqual(["auth.json"]);
  });
});

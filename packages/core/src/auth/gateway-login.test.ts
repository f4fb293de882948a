import { expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { readAuth } from "./auth-file.ts";
import { GATEWAY_ACCOUNT_ID, ensureGatewayLogin, gatewayLoginTokens } from "./gateway-login.ts";
import { decodeJwt } from "./jwt.ts";

const KEY = "pdxgw_test-key-abcdefghijklmnopqrstuvwxyz012345";

test("the placeholder's tokens are the key and an unsigned id token naming no pool account", () => {
  const t = gatewayLoginTokens(KEY);
  expect(t.accessToken).toBe(KEY);
  expect(t.refreshToken).toBe(KEY);
  expect(JSON.parse(Buffer.from(t.idToken.split(".")[0] ?? "", "base64url").toString())).toEqual({
    alg: "none",
    typ: "JWT",
  });
  expect(decodeJwt(t.idToken)).toEqual({
    email: "codex@prodex-gateway.invalid",
    expiresAt: null,
    accountId: GATEWAY_ACCOUNT_ID,
    plan: "pro",
    userId: GATEWAY_ACCOUNT_ID,
  });
  expect(t.idToken).not.toContain(KEY);
});

const tempDir = useTempDirs();

test("ensureGatewayLogin writes a 0600 ChatGPT login, keeps one that holds the key, replaces one that does not", () => {
  const home = join(tempDir(), "codex-home");
  ensureGatewayLogin(home, KEY, new Date("2026-12-01T00:00:00Z"));
  const path = join(home, "auth.json");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const first = readAuth(home);
  expect(first).toMatchObject({ kind: "chatgpt", accessToken: KEY, refreshToken: KEY, accountId: GATEWAY_ACCOUNT_ID });
  // Codex refreshed it since (its own last_refresh): the next launch leaves it as it is.
  const refreshed = readFileSync(path, "utf8").replace("2026-12-01T00:00:00.000Z", "2026-12-05T00:00:00.000Z");
  writeFileSync(path, refreshed);
  ensureGatewayLogin(home, KEY, new Date("2026-12-07T00:00:00Z"));
  expect(readFileSync(path, "utf8")).toBe(refreshed);
  // Another key (a new one after a revoke): replaced.
  ensureGatewayLogin(home, "pdxgw_other", new Date("2026-12-07T00:00:00Z"));
  expect(readAuth(home)).toMatchObject({
    kind: "chatgpt",
    accessToken: "pdxgw_other",
    lastRefresh: Date.UTC(2026, 11, 7),
  });
});

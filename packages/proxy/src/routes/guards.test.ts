import { describe, expect, spyOn, test } from "bun:test";
import * as nodeCrypto from "node:crypto";
import { Hono } from "hono";
import { hostGuard, keylessPath, pathId, sameSecret } from "./guards.ts";

describe("sameSecret", () => {
  const secret = "s3cr3t-0123456789abcdefghijklmn";
  const cases: [string, string | null | undefined, boolean][] = [
    ["the secret", secret, true],
    ["undefined", undefined, false],
    ["null", null, false],
    ["empty", "", false],
    ["a prefix", secret.slice(0, -1), false],
    ["extra characters", `${secret}x`, false],
    ["another of the same length", "x".repeat(secret.length), false],
    ["different case", secret.toUpperCase(), false],
    ["a multi-byte lookalike", secret.replace("s", "\u0455"), false],
  ];
  for (const [why, given, want] of cases) test(why, () => expect(sameSecret(given, secret)).toBe(want));

  test("compares in constant time whatever the length of the guess", () => {
    const spy = spyOn(nodeCrypto, "timingSafeEqual");
    try {
      for (const guess of ["a", secret.slice(0, 5), `${secret}${secret}`]) sameSecret(guess, secret);
      expect(spy.mock.calls.length).toBe(3);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("hostGuard", () => {
  const app = new Hono();
  app.use(
    "*",
    hostGuard(() => 4000),
  );
  app.get("/", (c) => c.text("ok"));
  const cases: [string, Record<string, string>, number][] = [
    ["127.0.0.1 with the port", { host: "127.0.0.1:4000" }, 200],
    ["localhost with the port", { host: "localhost:4000" }, 200],
    ["[::1] with the port", { host: "[::1]:4000" }, 200],
    ["another port", { host: "127.0.0.1:4001" }, 403],
    ["no port", { host: "127.0.0.1" }, 403],
    ["a rebinding name", { host: "evil.example:4000" }, 403],
    ["a wildcard-DNS name", { host: "127.0.0.1.nip.io:4000" }, 403],
    ["a look-alike suffix", { host: "localhost.evil.example:4000" }, 403],
    ["0.0.0.0", { host: "0.0.0.0:4000" }, 403],
    ["an Origin", { host: "127.0.0.1:4000", origin: "https://evil.example" }, 403],
    ["Origin null", { host: "127.0.0.1:4000", origin: "null" }, 403],
    ["Sec-Fetch-Site", { host: "127.0.0.1:4000", "sec-fetch-site": "same-origin" }, 403],
  ];
  for (const [why, headers, status] of cases)
    test(why, async () => expect((await app.request("/", { headers })).status).toBe(status));
});

describe("pathId", () => {
  const secret = "s3cr3t-0123456789abcdefghijklmn";
  test("is 32 base64url characters, stable, and not the secret", () => {
    expect(pathId(secret)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pathId(secret)).toBe(pathId(secret));
    expect(pathId(secret)).not.toContain(secret.slice(0, 8));
    expect(pathId(`${secret}x`)).not.toBe(pathId(secret));
  });
});

describe("keylessPath", () => {
  const cases: [string, boolean][] = [
    ["wham/accounts/check", true],
    ["wham/usage", true],
    ["wham/settings/user", true],
    ["wham/rate-limit-reset-credits", true],
    ["ps/plugins/installed", true],
    ["ps/plugins/suggested/codex", true],
    ["ps/mcp", true],
    ["codex/analytics-events/events", true],
    ["codex/responses", false],
    ["codex/responses/compact", false],
    ["codex/models", false],
    ["codex/analytics-events", false],
    ["me", false],
    ["", false],
    ["wham", false],
    ["wham/", false],
    ["wham//usage", false],
    ["wham/../codex/responses", false],
    ["wham/./usage", false],
    ["wham/..%2fcodex/responses", false],
    ["wham%2fusage", false],
    ["ps/%2e%2e/codex/responses", false],
    ["ps/a\\..\\codex", false],
    ["WHAM/usage", false],
    ["/wham/usage", false],
  ];
  for (const [rest, want] of cases)
    test(`${JSON.stringify(rest)} → ${want}`, () => expect(keylessPath(rest)).toBe(want));
});

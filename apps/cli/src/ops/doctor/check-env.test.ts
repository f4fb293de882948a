import { describe, expect, test } from "bun:test";
import { checkProxyEnv, redactProxy } from "./check-env.ts";

describe("redactProxy", () => {
  test.each([
    ["http://user:pass@proxy:3128", "http://***@proxy:3128"],
    ["http://user@proxy:3128/", "http://***@proxy:3128"],
    ["http://proxy:3128", "http://proxy:3128"],
    ["not a url user:pw@host", "not a url user:pw@host"],
    ["//u:p@host", "//***@host"],
  ])("%s → %s", (input, out) => expect(redactProxy(input)).toBe(out));
});

describe("checkProxyEnv", () => {
  test("nothing set: direct", () => expect(checkProxyEnv({})).toMatchObject([{ id: "env.proxy", severity: "ok" }]));

  test("a proxy without loopback in NO_PROXY: info on both, credentials hidden", () => {
    const out = checkProxyEnv({ HTTPS_PROXY: "http://me:secret@p:1", NO_PROXY: "corp" });
    expect(out.map((f) => [f.id, f.severity])).toEqual([
      ["env.proxy", "info"],
      ["env.no-proxy", "info"],
    ]);
    expect(JSON.stringify(out)).not.toContain("secret");
  });

  test.each([["127.0.0.1,localhost"], ["*"], ["localhost, 127.0.0.1, ::1"]])(
    "NO_PROXY=%s covers loopback",
    (noProxy) => {
      expect(checkProxyEnv({ http_proxy: "http://p:1", no_proxy: noProxy }).map((f) => f.id)).toEqual(["env.proxy"]);
    },
  );

  test("an invalid proxy URL is a warning", () => {
    expect(checkProxyEnv({ ALL_PROXY: "proxy:3128", NO_PROXY: "*" })).toMatchObject([
      { id: "env.proxy-invalid", severity: "warn" },
    ]);
  });
});

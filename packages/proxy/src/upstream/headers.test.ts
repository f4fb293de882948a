import { describe, expect, test } from "bun:test";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers.ts";

const creds = { accessToken: "account-token", accountId: "acct-1" };

describe("upstreamRequestHeaders", () => {
  const dropped: [string, Record<string, string>][] = [
    [
      "hop-by-hop",
      {
        connection: "keep-alive",
        "keep-alive": "timeout=5",
        te: "trailers",
        trailer: "x",
        "transfer-encoding": "chunked",
        upgrade: "websocket",
        "proxy-authorization": "Basic x",
        "proxy-connection": "keep-alive",
      },
    ],
    ["named in Connection", { connection: "close, X-Hop, x-other", "x-hop": "1", "x-other": "2" }],
    [
      "client credentials",
      {
        authorization: "Bearer client",
        "x-api-key": "client-key",
        cookie: "a=b",
        "chatgpt-account-id": "acct-client",
        "x-prodex-key": "launch-secret",
      },
    ],
    [
      "for the proxy only",
      {
        origin: "http://x",
        "sec-websocket-key": "k",
        "sec-websocket-protocol": "p",
        host: "127.0.0.1:1",
        "content-length": "9",
        "accept-encoding": "br",
      },
    ],
  ];
  for (const [why, headers] of dropped) {
    test(`drops ${why}`, () => {
      const out = upstreamRequestHeaders(new Headers(headers), creds);
      for (const name of Object.keys(headers))
        if (name !== "authorization" && name !== "chatgpt-account-id") expect(out.has(name), name).toBe(false);
    });
  }

  test("replaces the credentials with the account's and keeps the rest", () => {
    const out = upstreamRequestHeaders(
      new Headers({
        authorization: "Bearer client",
        "x-codex-turn-state": "t",
        session_id: "s",
        "content-encoding": "zstd",
      }),
      creds,
    );
    expect(out.get("authorization")).toBe("Bearer account-token");
    expect(out.get("chatgpt-account-id")).toBe("acct-1");
    expect(out.get("x-codex-turn-state")).toBe("t");
    expect(out.get("session_id")).toBe("s");
    expect(out.get("content-encoding")).toBe("zstd");
    expect(
      upstreamRequestHeaders(new Headers({ "content-encoding": "zstd" }), creds, { dropContentEncoding: true }).has(
        "content-encoding",
      ),
    ).toBe(false);
  });
});

describe("clientResponseHeaders", () => {
  test("drops hop-by-hop, Connection-named, encoding and cookies; keeps the rest", () => {
    const out = clientResponseHeaders(
      new Headers({
        connection: "x-up",
        "x-up": "1",
        "set-cookie": "s=1",
        "content-encoding": "gzip",
        "transfer-encoding": "chunked",
        "x-codex-primary-used-percent": "10",
        "content-type": "text/event-stream",
      }),
    );
    expect([...out.keys()].sort()).toEqual(["content-type", "x-codex-primary-used-percent"]);
  });
});

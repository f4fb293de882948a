import { describe, expect, test } from "bun:test";
import { clientHandshakeHeaders, relayableClose, upstreamHandshakeHeaders, upstreamWsUrl } from "./ws-headers.ts";

test.each([
  ["https://chatgpt.com/backend-api", "wss://chatgpt.com/backend-api/codex/responses"],
  ["http://127.0.0.1:8080/backend-api", "ws://127.0.0.1:8080/backend-api/codex/responses"],
  ["HTTPS://example.test/x", "wss://example.test/x/codex/responses"],
])("upstreamWsUrl(%s)", (base, want) => {
  expect(upstreamWsUrl(base, "/codex/responses")).toBe(want);
});

describe("upstreamHandshakeHeaders", () => {
  // The handshake Codex 0.169 sends (captures/codex-run4-ws.jsonl), trimmed.
  const client = new Headers({
    authorization: "Bearer codex-token",
    "chatgpt-account-id": "acct-codex",
    connection: "Upgrade",
    upgrade: "websocket",
    host: "127.0.0.1:1234",
    "openai-beta": "responses_websockets=2026-02-06",
    originator: "codex_exec",
    "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
    "sec-websocket-key": "VR2X226yXWA3BO8ZN2gqww==",
    "sec-websocket-version": "13",
    "session-id": "s-1",
    "thread-id": "s-1",
    version: "0.169.0",
    "x-codex-turn-metadata": "{}",
    "x-codex-window-id": "s-1:0",
    "x-codex-turn-state": "ts-1",
    cookie: "c=1",
    "x-prodex-key": "launch-secret",
  });
  const out = upstreamHandshakeHeaders(client, { accessToken: "pool-token", accountId: "acct-pool" });

  test("credentials are the serving account's", () => {
    expect(out.authorization).toBe("Bearer pool-token");
    expect(out["chatgpt-account-id"]).toBe("acct-pool");
    expect(out.cookie).toBeUndefined();
    // The launch secret is for the proxy: it never reaches the upstream.
    expect(out["x-prodex-key"]).toBeUndefined();
  });
  test.each([
    "connection",
    "upgrade",
    "host",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
  ])("drops %s", (name) => {
    expect(out[name]).toBeUndefined();
  });
  test.each([
    ["openai-beta", "responses_websockets=2026-02-06"],
    ["originator", "codex_exec"],
    ["version", "0.169.0"],
    ["session-id", "s-1"],
    ["x-codex-turn-metadata", "{}"],
    ["x-codex-turn-state", "ts-1"],
  ])("passes %s through", (name, value) => {
    expect(out[name]).toBe(value);
  });
});

test("clientHandshakeHeaders passes back only what Codex reads", () => {
  const upstream = new Headers({
    "x-codex-turn-state": "ts",
    "openai-model": "gpt-5",
    "x-models-etag": "e1",
    "x-codex-primary-used-percent": "50",
    "set-cookie": "a=b",
  });
  expect(Object.fromEntries(clientHandshakeHeaders(upstream))).toEqual({
    "x-codex-turn-state": "ts",
    "openai-model": "gpt-5",
    "x-models-etag": "e1",
  });
  expect([...clientHandshakeHeaders(null)]).toEqual([]);
});

test.each([
  ["passed on as the upstream says", "524288", "524288"],
  ["capped at what the proxy relays", "999999999", "1048576"],
  ["whitespace trimmed", " 65536 ", "65536"],
  ["not a number: dropped", "lots", null],
  ["zero: dropped", "0", null],
  ["negative: dropped", "-5", null],
])("x-codex-websocket-max-message-bytes (Codex 0.171+): %s", (_, sent, want) => {
  const out = clientHandshakeHeaders(new Headers({ "x-codex-websocket-max-message-bytes": sent }), 1_048_576);
  expect(out.get("x-codex-websocket-max-message-bytes")).toBe(want);
});

test.each([
  [1000, true],
  [1001, true],
  [1005, false],
  [1006, false],
  [1011, true],
  [1015, false],
  [4000, true],
])("relayableClose(%d)", (code, want) => {
  expect(relayableClose(code)).toBe(want);
});

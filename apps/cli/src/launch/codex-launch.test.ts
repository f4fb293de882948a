import { expect, test } from "bun:test";
import { codexOverrides, codexWebsockets } from "./codex-launch.ts";

const endpoints = { codexBaseUrl: "http://127.0.0.1:1/s/x/backend-api/codex", chatgptBaseUrl: "http://127.0.0.1:1/s/x/backend-api/", refreshUrl: "http://127.0.0.1:1/s/x/oauth/token", secret: "x" };

test.each([
  ["unset: Codex uses its websocket through the proxy", {}, true],
  ["PRODEX_CODEX_WEBSOCKETS=0 keeps it on HTTP/SSE", { PRODEX_CODEX_WEBSOCKETS: "0" }, false],
  ["any other value leaves it on", { PRODEX_CODEX_WEBSOCKETS: "1" }, true],
])("codexWebsockets: %s", (_name, env: Record<string, string>, want) => {
  expect(codexWebsockets(env)).toBe(want);
  expect(codexOverrides(endpoints, { websockets: codexWebsockets(env) })[1]).toContain(`supports_websockets=${want}`);
});

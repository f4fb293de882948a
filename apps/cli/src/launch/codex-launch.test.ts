import { expect, test } from "bun:test";
import { launchEndpoints } from "@prodex/proxy";
import { codexLaunch, codexOverrides, codexWebsockets, isSecretName } from "./codex-launch.ts";

const endpoints = launchEndpoints("http://127.0.0.1:1", "launch-secret-0123456789abcdefghij", "/tmp/log");

test.each([
  ["unset: Codex uses its websocket through the proxy", {}, true],
  ["PRODEX_CODEX_WEBSOCKETS=0 keeps it on HTTP/SSE", { PRODEX_CODEX_WEBSOCKETS: "0" }, false],
  ["any other value leaves it on", { PRODEX_CODEX_WEBSOCKETS: "1" }, true],
])("codexWebsockets: %s", (_name, env: Record<string, string>, want) => {
  expect(codexWebsockets(env)).toBe(want);
  expect(codexOverrides(endpoints, { websockets: codexWebsockets(env) })[1]).toContain(`supports_websockets=${want}`);
});

test("the launch secret rides in Codex's environment, never in its arguments", () => {
  const spec = codexLaunch({ bin: "codex", subcommand: ["exec"], userArgs: ["hi"], codexHome: "/h/p1", proxy: endpoints, env: { PATH: "/bin" }, websockets: true });
  expect(spec.cmd.join(" ")).not.toContain(endpoints.secret);
  expect(spec.cmd.join(" ")).toContain(`/s/${endpoints.pathId}/backend-api/codex`);
  expect(spec.cmd.join(" ")).toContain('env_http_headers={"x-prodex-key"="PRODEX_LAUNCH_KEY"}');
  expect(spec.env.PRODEX_LAUNCH_KEY).toBe(endpoints.secret);
  expect(spec.env.CODEX_REFRESH_TOKEN_URL_OVERRIDE).toBe(`http://127.0.0.1:1/k/${endpoints.secret}/oauth/token`);
});

test.each([
  ["PRODEX_LAUNCH_KEY", true],
  ["OPENAI_API_KEY", true],
  ["GITHUB_TOKEN", true],
  ["CODEX_REFRESH_TOKEN_URL_OVERRIDE", false],
  ["PATH", false],
])("isSecretName(%s) is %p", (name, want) => expect(isSecretName(name)).toBe(want));

import { expect, test } from "bun:test";
import { launchEndpoints } from "@prodex/proxy";
import {
  NO_DAEMON_SINCE,
  codexGatewayLaunch,
  codexLaunch,
  codexOverrides,
  codexWebsockets,
  embeddedFlag,
  isSecretName,
  redactInherited,
} from "./codex-launch.ts";

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
  const spec = codexLaunch({
    bin: "codex",
    subcommand: ["exec"],
    userArgs: ["hi"],
    codexHome: "/h/p1",
    proxy: endpoints,
    env: { PATH: "/bin" },
    websockets: true,
    version: NO_DAEMON_SINCE,
  });
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
  ["CODEX_REVOKE_TOKEN_URL_OVERRIDE", false],
  ["PRODEX_GATEWAY_KEY", true],
  ["PATH", false],
])("isSecretName(%s) is %p", (name, want) => expect(isSecretName(name)).toBe(want));

test.each([
  ["the tested version, interactive", [], "0.169.0", ["--no-daemon"]],
  ["a newer one", [], "0.171.2", ["--no-daemon"]],
  ["a newer pre-release", [], "0.170.0-alpha.3", ["--no-daemon"]],
  ["an older one may not know the flag", [], "0.160.0", []],
  ["an unknown version", [], null, []],
  ["codex exec has no such flag", ["exec"], "0.169.0", []],
] as const)("embeddedFlag: %s", (_why, subcommand, version, want) => {
  expect(embeddedFlag(subcommand, version)).toEqual([...want]);
});

test("the interactive launch asks for embedded mode before the user's own arguments (a subcommand like resume included)", () => {
  const spec = codexLaunch({
    bin: "codex",
    subcommand: [],
    userArgs: ["resume", "--last"],
    codexHome: "/h/p1",
    proxy: endpoints,
    env: {},
    websockets: true,
    version: "0.169.0",
  });
  expect(spec.cmd.slice(-3)).toEqual(["--no-daemon", "resume", "--last"]);
});

test.each([
  [
    "a secret-named variable's value, wherever it appears",
    { OPENAI_API_KEY: "sk-live-1" },
    "key sk-live-1 in sk-live-1x",
    "key *** in ***x",
  ],
  ["an ordinary variable stays", { HOME: "/home/u" }, "HOME=/home/u", "HOME=/home/u"],
  ["an empty secret masks nothing", { MY_TOKEN: "" }, "a b", "a b"],
])("redactInherited: %s", (_, env, text, want) => expect(redactInherited(text, env)).toBe(want));

const GATEWAY_KEY = "pdxgw_laptop-key-0123456789abcdefghijklmnop";

function gatewaySpec(env: Record<string, string>, subcommand: string[] = ["exec"]) {
  return codexGatewayLaunch({
    bin: "codex",
    subcommand,
    userArgs: ["hi"],
    codexHome: "/h/gw",
    gateway: { url: "https://gw.example.com" },
    env: { PATH: "/bin", PRODEX_GATEWAY_KEY: GATEWAY_KEY, ...env },
    websockets: codexWebsockets(env),
    version: NO_DAEMON_SINCE,
  });
}

test.each([
  ["websockets by default, as locally", {}, "supports_websockets=true"],
  ["PRODEX_CODEX_WEBSOCKETS=0: HTTP/SSE", { PRODEX_CODEX_WEBSOCKETS: "0" }, "supports_websockets=false"],
  ["ChatGPT mode: the placeholder login's bearer is the key", {}, "requires_openai_auth=true"],
  ["the gateway's Codex routes", {}, 'base_url="https://gw.example.com/backend-api/codex"'],
  ["no ChatGPT apps (a pool account's connectors; the gateway refuses them)", {}, "-c features.apps=false"],
  [
    "the gateway's ChatGPT routes (wham/usage, accounts/check)",
    {},
    'chatgpt_base_url="https://gw.example.com/backend-api/"',
  ],
] as const)("through a gateway: %s", (_why, env: Record<string, string>, want) => {
  expect(gatewaySpec(env).cmd.join(" ")).toContain(want);
});

test("through a gateway: refresh and revoke go to the gateway, the key is in neither the arguments nor Codex's environment", () => {
  const spec = gatewaySpec({});
  expect(spec.env).toMatchObject({
    CODEX_HOME: "/h/gw",
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: "https://gw.example.com/oauth/token",
    CODEX_REVOKE_TOKEN_URL_OVERRIDE: "https://gw.example.com/oauth/revoke",
  });
  expect(spec.env.PRODEX_GATEWAY_KEY).toBeUndefined();
  expect(spec.cmd.join(" ")).not.toContain(GATEWAY_KEY);
  expect(spec.cmd.join(" ")).not.toContain("env_http_headers");
  expect(JSON.stringify(spec.env)).not.toContain(GATEWAY_KEY);
  expect(spec.cmd.slice(0, 2)).toEqual(["codex", "exec"]);
  expect(gatewaySpec({}, []).cmd).toContain("--no-daemon");
});

import { expect, test } from "bun:test";
import { launchEndpoints } from "@prodex/proxy";
import {
  NO_DAEMON_SINCE,
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

import { describe, expect, test } from "bun:test";
import { DEFAULT_MODELS, launchEndpoints } from "@prodex/proxy";
import { serveSchema } from "./schemas/serve.ts";
import { serveJson, serveText, shellQuote } from "./serve-output.ts";

const endpoints = launchEndpoints("http://127.0.0.1:4100", "SECRETxyz", "/tmp/log");
const base = `http://127.0.0.1:4100/s/${endpoints.pathId}`;
const keyed = "http://127.0.0.1:4100/k/SECRETxyz";

describe("serveJson", () => {
  test("matches prodex.serve/v1 and carries what a Codex needs", () => {
    const json = serveJson(endpoints, {
      pid: 42,
      upstream: "http://127.0.0.1:9/backend-api",
      profile: "p1",
      codexHome: "/h/p1",
      websockets: true,
      claudeModels: DEFAULT_MODELS,
      env: { NO_PROXY: "corp.example" },
    });
    expect(serveSchema.parse(json)).toEqual(json);
    expect(json.codex.env).toEqual({
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${keyed}/oauth/token`,
      PRODEX_LAUNCH_KEY: "SECRETxyz",
      CODEX_HOME: "/h/p1",
      NO_PROXY: "corp.example,127.0.0.1,localhost,::1",
    });
    expect(json.codex.args).toContain("model_provider=prodex");
    expect(json.codex.args.join(" ")).toContain(`base_url="${base}/backend-api/codex"`);
    expect(json.codex.args.join(" ")).toContain('env_http_headers={"x-prodex-key"="PRODEX_LAUNCH_KEY"}');
    // The arguments are readable by other users: no secret in them.
    expect(json.codex.args.join(" ")).not.toContain("SECRETxyz");
    expect(json.openai).toEqual({
      baseUrl: "http://127.0.0.1:4100/openai/v1",
      apiKey: "SECRETxyz",
      responsesUrl: "http://127.0.0.1:4100/openai/v1/responses",
      chatCompletionsUrl: "http://127.0.0.1:4100/openai/v1/chat/completions",
      modelsUrl: "http://127.0.0.1:4100/openai/v1/models",
      headers: { "x-prodex-key": "SECRETxyz" },
    });
    expect(json.eventsUrl).toBe(`${keyed}/__prodex/events`);
    expect(json.metrics).toEqual({
      url: "http://127.0.0.1:4100/metrics",
      headers: { authorization: "Bearer SECRETxyz" },
    });
    expect(json.claude?.env).toMatchObject({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4100",
      ANTHROPIC_API_KEY: "SECRETxyz",
      ANTHROPIC_DEFAULT_SONNET_MODEL: DEFAULT_MODELS.sonnet,
    });
    expect(json.claude?.args[0]).toBe("--settings");
  });

  test("no profile: no CODEX_HOME", () => {
    const json = serveJson(endpoints, {
      pid: 1,
      upstream: "u",
      profile: null,
      codexHome: null,
      websockets: false,
      claudeModels: null,
      env: {},
    });
    expect(Object.keys(json.codex.env).sort()).toEqual([
      "CODEX_REFRESH_TOKEN_URL_OVERRIDE",
      "NO_PROXY",
      "PRODEX_LAUNCH_KEY",
    ]);
    expect(json.claude).toBeNull();
  });
});

describe("shellQuote", () => {
  test.each([
    ["plain/path-1.2", "plain/path-1.2"],
    ["model_provider=prodex", "model_provider=prodex"],
    ['chatgpt_base_url="http://x/"', `'chatgpt_base_url="http://x/"'`],
    ["it's", `'it'\\''s'`],
  ])("%s → %s", (input, expected) => expect(shellQuote(input)).toBe(expected));
});

test("serveText prints a copy-paste Codex command with the overrides quoted", () => {
  const text = serveText(
    serveJson(endpoints, {
      pid: 1,
      upstream: "u",
      profile: "p1",
      codexHome: "/h/p1",
      websockets: true,
      claudeModels: DEFAULT_MODELS,
      env: {},
    }),
  );
  expect(text).toContain("export ANTHROPIC_BASE_URL=http://127.0.0.1:4100");
  expect(text).toContain("claude --settings '{");
  expect(text).toContain(`export CODEX_REFRESH_TOKEN_URL_OVERRIDE=${keyed}/oauth/token`);
  expect(text).toContain("export PRODEX_LAUNCH_KEY=SECRETxyz");
  expect(text).toContain("export OPENAI_BASE_URL=http://127.0.0.1:4100/openai/v1");
  expect(text).toContain("export OPENAI_API_KEY=SECRETxyz");
  expect(text).toContain("header x-prodex-key: SECRETxyz");
  expect(text).toContain("codex -c 'model_providers.prodex={");
  expect(text).toContain("treat them like a password");
  expect(text).toContain("curl -s -H 'authorization: Bearer SECRETxyz' http://127.0.0.1:4100/metrics");
});

import { describe, expect, test } from "bun:test";
import {
  type ClaudeLaunchOptions,
  GPT_CONTEXT_TOKENS,
  claudeLaunch,
  isHeadless,
  isVendorVar,
  modelEnv,
  routingSettings,
} from "./claude-launch.ts";

const models = { opus: "gpt-5", sonnet: "gpt-5-codex", haiku: "gpt-5-mini", default: "gpt-5" };

function launch(patch: Partial<ClaudeLaunchOptions> = {}) {
  return claudeLaunch({
    bin: "/bin/claude",
    userArgs: ["-p", "say hi"],
    baseUrl: "http://127.0.0.1:4000",
    token: "per-launch-token-0123456789abcdef",
    configDir: "/p/claude",
    models,
    model: null,
    env: { PATH: "/usr/bin", HOME: "/home/u", FOO: "bar" },
    ...patch,
  });
}

describe("isVendorVar", () => {
  test.each([
    ["ANTHROPIC_API_KEY", true],
    ["ANTHROPIC_AUTH_TOKEN", true],
    ["ANTHROPIC_BASE_URL", true],
    ["ANTHROPIC_BEDROCK_BASE_URL", true],
    ["ANTHROPIC_VERTEX_PROJECT_ID", true],
    ["ANTHROPIC_FOUNDRY_API_KEY", true],
    ["ANTHROPIC_DEFAULT_OPUS_MODEL", true],
    ["CLAUDE_CODE_USE_BEDROCK", true],
    ["CLAUDE_CODE_USE_VERTEX", true],
    ["CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD", true],
    ["ANTHROPIC_GOOGLE_CLOUD_BASE_URL", true],
    ["ANTHROPIC_GOOGLE_CLOUD_PROJECT", true],
    ["CLAUDE_CODE_SKIP_ANTHROPIC_GOOGLE_CLOUD_AUTH", true],
    ["CLAUDE_CODE_SKIP_BEDROCK_AUTH", true],
    ["CLAUDE_CODE_OAUTH_TOKEN", true],
    ["AWS_BEARER_TOKEN_BEDROCK", true],
    ["CLOUD_ML_REGION", true],
    ["anthropic_api_key", true],
    // Not routing: the user's own tools need these.
    ["AWS_ACCESS_KEY_ID", false],
    ["AWS_PROFILE", false],
    ["GOOGLE_APPLICATION_CREDENTIALS", false],
    ["CLAUDE_CODE_USE_POWERSHELL_TOOL", false],
    ["CLAUDE_CODE_MAX_OUTPUT_TOKENS", false],
    ["PATH", false],
  ])("%s → %p", (name, expected) => {
    expect(isVendorVar(name)).toBe(expected);
  });
});

describe("claudeLaunch", () => {
  test("points Claude Code at the proxy with the per-launch key and the managed config dir", () => {
    const { env } = launch();
    expect(env.ANTHROPIC_BASE_URL).toBe("http://127.0.0.1:4000");
    expect(env.ANTHROPIC_API_KEY).toBe("per-launch-token-0123456789abcdef");
    expect(env.ANTHROPIC_AUTH_TOKEN).toBeUndefined();
    expect(env.CLAUDE_CONFIG_DIR).toBe("/p/claude");
    expect(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe("1");
    expect(env.CLAUDE_CODE_DISABLE_1M_CONTEXT).toBe("1");
    expect(env.CLAUDE_CODE_GATEWAY_HINT_HEADERS).toBe("1");
    expect(env.CLAUDE_CODE_MAX_CONTEXT_TOKENS).toBe(String(GPT_CONTEXT_TOKENS));
    expect(env.NO_PROXY).toContain("127.0.0.1");
    expect(env.FOO).toBe("bar");
  });

  test("removes every inherited vendor credential and route, keeps the rest", () => {
    const spec = launch({
      env: {
        PATH: "/usr/bin",
        ANTHROPIC_API_KEY: "sk-ant-real",
        ANTHROPIC_AUTH_TOKEN: "bearer",
        CLAUDE_CODE_USE_BEDROCK: "1",
        AWS_BEARER_TOKEN_BEDROCK: "aws",
        ANTHROPIC_VERTEX_PROJECT_ID: "proj",
        ANTHROPIC_MODEL: "claude-sonnet-4-5",
        CLAUDE_CONFIG_DIR: "/home/u/.claude-work",
        AWS_ACCESS_KEY_ID: "keep-me",
      },
    });
    expect(spec.removed).toEqual([
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_AUTH_TOKEN",
      "ANTHROPIC_MODEL",
      "ANTHROPIC_VERTEX_PROJECT_ID",
      "AWS_BEARER_TOKEN_BEDROCK",
      "CLAUDE_CODE_USE_BEDROCK",
      "CLAUDE_CONFIG_DIR",
    ]);
    expect(spec.env.CLAUDE_CODE_USE_BEDROCK).toBeUndefined();
    expect(spec.env.AWS_BEARER_TOKEN_BEDROCK).toBeUndefined();
    expect(spec.env.ANTHROPIC_MODEL).toBeUndefined();
    expect(spec.env.AWS_ACCESS_KEY_ID).toBe("keep-me");
    expect(Object.values(spec.env)).not.toContain("sk-ant-real");
  });

  test("the routing pin goes first, then the user's arguments unchanged", () => {
    const spec = launch({ userArgs: ["-p", "hi", "--allowedTools", "Bash"] });
    expect(spec.cmd.slice(0, 3)).toEqual(["/bin/claude", "--settings", routingSettings("http://127.0.0.1:4000")]);
    expect(spec.cmd.slice(3)).toEqual(["-p", "hi", "--allowedTools", "Bash"]);
  });

  test("a user --settings replaces the pin (Claude Code keeps only one)", () => {
    expect(launch({ userArgs: ["--settings", "/x.json"] }).cmd).toEqual(["/bin/claude", "--settings", "/x.json"]);
    expect(launch({ userArgs: ["--settings=/x.json"] }).overrides).toEqual([]);
  });

  test("the user's own context window setting wins", () => {
    expect(launch({ env: { CLAUDE_CODE_MAX_CONTEXT_TOKENS: "128000" } }).env.CLAUDE_CODE_MAX_CONTEXT_TOKENS).toBe(
      "128000",
    );
  });

  test("the start model is set only when one was chosen", () => {
    expect(launch().env.ANTHROPIC_MODEL).toBeUndefined();
    expect(launch({ model: "gpt-5-codex" }).env.ANTHROPIC_MODEL).toBe("gpt-5-codex");
  });
});

describe("modelEnv", () => {
  test("the picker's tiers show the mapped models", () => {
    expect(modelEnv(models, "sonnet")).toEqual({
      ANTHROPIC_DEFAULT_OPUS_MODEL: "gpt-5",
      ANTHROPIC_DEFAULT_OPUS_MODEL_NAME: "gpt-5",
      ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION: "Opus tier: gpt-5 on the ChatGPT pool (prodex)",
      ANTHROPIC_DEFAULT_SONNET_MODEL: "gpt-5-codex",
      ANTHROPIC_DEFAULT_SONNET_MODEL_NAME: "gpt-5-codex",
      ANTHROPIC_DEFAULT_SONNET_MODEL_DESCRIPTION: "Sonnet tier: gpt-5-codex on the ChatGPT pool (prodex)",
      ANTHROPIC_DEFAULT_HAIKU_MODEL: "gpt-5-mini",
      ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME: "gpt-5-mini",
      ANTHROPIC_DEFAULT_HAIKU_MODEL_DESCRIPTION: "Haiku tier: gpt-5-mini on the ChatGPT pool (prodex)",
      ANTHROPIC_SMALL_FAST_MODEL: "gpt-5-mini",
      ANTHROPIC_MODEL: "sonnet",
    });
  });
});

describe("routingSettings", () => {
  test("pins the base URL and switches every other provider off, with no secret in it", () => {
    const parsed = JSON.parse(routingSettings("http://127.0.0.1:4000")) as { env: Record<string, string> };
    expect(parsed.env.ANTHROPIC_BASE_URL).toBe("http://127.0.0.1:4000");
    expect(parsed.env.CLAUDE_CODE_USE_BEDROCK).toBe("");
    expect(parsed.env.CLAUDE_CODE_USE_VERTEX).toBe("");
    expect(parsed.env.CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD).toBe("");
    expect((parsed as { apiKeyHelper?: string }).apiKeyHelper).toBe("");
    expect(parsed.env.ANTHROPIC_AUTH_TOKEN).toBe("");
    expect(parsed.env.ANTHROPIC_API_KEY).toBeUndefined();
  });
});

describe("isHeadless", () => {
  test.each([
    [["-p", "hi"], true],
    [["--print", "hi"], true],
    [["--model", "x", "-p"], true],
    [[], false],
    [["--continue"], false],
    [["--", "-p"], false],
  ])("%p → %p", (args, expected) => {
    expect(isHeadless(args)).toBe(expected);
  });
});

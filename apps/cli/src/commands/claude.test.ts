import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, Context, UsageError } from "@prodex/core";
import { DEFAULT_MODELS } from "@prodex/proxy";
import { claudeLaunch } from "../launch/claude-launch.ts";
import { claudeModels, dryRunLines } from "./claude.ts";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A Context over a temp PRODEX_HOME holding `config` as config.json (none when undefined). */
function ctxWith(config?: unknown): Context {
  const dir = mkdtempSync(join(tmpdir(), "prodex-claude-cmd-"));
  dirs.push(dir);
  mkdirSync(join(dir, "prodex"), { recursive: true });
  if (config !== undefined)
    writeFileSync(join(dir, "prodex", "config.json"), typeof config === "string" ? config : JSON.stringify(config));
  return new Context({ env: { HOME: dir, PRODEX_HOME: join(dir, "prodex") } });
}

describe("claudeModels", () => {
  const cases: [
    string,
    unknown,
    string | undefined,
    Record<string, string>,
    { opus: string; haiku: string; model: string | null },
  ][] = [
    ["defaults", undefined, undefined, {}, { opus: DEFAULT_MODELS.opus, haiku: DEFAULT_MODELS.haiku, model: null }],
    [
      "config families and start model",
      { claude: { models: { opus: "gpt-5-codex" }, model: "sonnet" } },
      undefined,
      {},
      { opus: "gpt-5-codex", haiku: DEFAULT_MODELS.haiku, model: "sonnet" },
    ],
    [
      "PRODEX_CLAUDE_MODEL beats config",
      { claude: { model: "sonnet" } },
      undefined,
      { PRODEX_CLAUDE_MODEL: "gpt-5-mini" },
      { opus: DEFAULT_MODELS.opus, haiku: DEFAULT_MODELS.haiku, model: "gpt-5-mini" },
    ],
    [
      "--model beats both",
      { claude: { model: "sonnet" } },
      "gpt-5",
      { PRODEX_CLAUDE_MODEL: "gpt-5-mini" },
      { opus: DEFAULT_MODELS.opus, haiku: DEFAULT_MODELS.haiku, model: "gpt-5" },
    ],
  ];
  test.each(cases)("%s", (_name, config, flag, env, expected) => {
    const { models, model } = claudeModels(ctxWith(config), flag, env);
    expect({ opus: models.opus, haiku: models.haiku, model }).toEqual(expected);
  });

  test("a bad --model is a UsageError naming where it came from", () => {
    expect(() => claudeModels(ctxWith(), "gpt 5", {})).toThrow(UsageError);
    expect(() => claudeModels(ctxWith(), undefined, { PRODEX_CLAUDE_MODEL: "" })).not.toThrow();
    try {
      claudeModels(ctxWith(), undefined, { PRODEX_CLAUDE_MODEL: "a b" });
    } catch (e) {
      expect((e as Error).message).toStartWith('PRODEX_CLAUDE_MODEL "a b"');
    }
  });

  test("a broken config.json is a ConfigError, one line", () => {
    expect(() => claudeModels(ctxWith("{oops"), undefined, {})).toThrow(ConfigError);
  });
});

describe("dryRunLines", () => {
  test("names the managed dir, the mapping, the changes and the removals, never the token", () => {
    const env = { PATH: "/usr/bin", ANTHROPIC_API_KEY: "sk-ant-secret", CLAUDE_CODE_USE_VERTEX: "1" };
    const input = {
      bin: "/bin/claude",
      userArgs: ["-p", "hi"],
      dir: "/p/claude",
      models: DEFAULT_MODELS,
      model: "gpt-5",
      preferred: "main",
    };
    const spec = claudeLaunch({
      ...input,
      baseUrl: "http://127.0.0.1:<port>",
      token: "the-real-launch-token",
      configDir: input.dir,
      env,
    });
    const text = dryRunLines(spec, input, env).join("\n");
    expect(text).toContain("profile: main");
    expect(text).toContain("claude config dir: /p/claude");
    expect(text).toContain("starts on gpt-5");
    expect(text).toContain("ANTHROPIC_API_KEY=***");
    expect(text).toContain("CLAUDE_CODE_MAX_CONTEXT_TOKENS=272000");
    expect(text).toContain("environment (removed): ANTHROPIC_API_KEY, CLAUDE_CODE_USE_VERTEX");
    expect(text).not.toContain("the-real-launch-token");
    expect(text).not.toContain("sk-ant-secret");
  });
});

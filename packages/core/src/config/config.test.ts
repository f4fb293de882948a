import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "./config.ts";

const dir = mkdtempSync(join(tmpdir(), "prodex-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseConfig", () => {
  const ok: [string, string, unknown][] = [
    ["empty object", "{}", {}],
    [
      "claude models",
      `{"claude":{"models":{"opus":"gpt-5","haiku":"gpt-5-mini"}}}`,
      { claude: { models: { opus: "gpt-5", haiku: "gpt-5-mini" } } },
    ],
    ["claude model, trimmed", `{"claude":{"model":" gpt-5-codex "}}`, { claude: { model: "gpt-5-codex" } }],
    ["unknown top-level sections are kept", `{"theme":"dark"}`, { theme: "dark" }],
  ];
  test.each(ok)("%s", (_name, text, expected) => {
    expect(parseConfig(text, "/x/config.json")).toEqual(expected as Record<string, unknown>);
  });

  const bad: [string, string, RegExp][] = [
    ["not JSON", "{", /config\.json is not valid JSON/],
    ["typo in a family", `{"claude":{"models":{"sonet":"gpt-5"}}}`, /claude\.models: Unrecognized key: "sonet"/],
    ["empty model", `{"claude":{"models":{"opus":""}}}`, /claude\.models\.opus: must be a non-empty model name/],
    ["model with spaces", `{"claude":{"model":"gpt 5"}}`, /claude\.model: must be a model name/],
    ["wrong type", `{"claude":{"models":{"haiku":5}}}`, /claude\.models\.haiku: /],
  ];
  test.each(bad)("%s → one clear line", (_name, text, message) => {
    let error: unknown;
    try {
      parseConfig(text, "/x/config.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
    expect(e.hint).toContain("/x/config.json");
  });
});

describe("loadConfig", () => {
  test("a missing file is an empty config", () => {
    expect(loadConfig(join(dir, "missing.json"))).toEqual({});
  });

  test("reads and validates the file", () => {
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify({ claude: { models: { sonnet: "gpt-5-codex" } } }));
    expect(loadConfig(path)).toEqual({ claude: { models: { sonnet: "gpt-5-codex" } } });
  });

  test("a directory in its place is reported, not thrown raw", () => {
    expect(() => loadConfig(dir)).toThrow(ConfigError);
  });
});

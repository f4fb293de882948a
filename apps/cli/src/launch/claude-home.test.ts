import { afterEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStateError } from "@prodex/core";
import {
  approveKey,
  approveLaunchKey,
  claudeSource,
  prepareClaudeHome,
  sanitizeGlobalConfig,
  sanitizeSettings,
} from "./claude-home.ts";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "prodex-claude-home-"));
  dirs.push(d);
  return d;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("sanitizing imported config", () => {
  test.each([
    [
      "credentials and approvals go",
      {
        primaryApiKey: "sk-ant",
        oauthAccount: { email: "a" },
        customApiKeyResponses: { approved: ["x"] },
        theme: "dark",
      },
      { theme: "dark" },
    ],
    [
      "routing env goes, the rest stays",
      { env: { ANTHROPIC_BASE_URL: "https://x", CLAUDE_CODE_USE_VERTEX: "1", FOO: "1" } },
      { env: { FOO: "1" } },
    ],
    [
      "projects and MCP servers stay",
      { projects: { "/w": { hasTrustDialogAccepted: true } }, mcpServers: { m: { command: "x" } } },
      { projects: { "/w": { hasTrustDialogAccepted: true } }, mcpServers: { m: { command: "x" } } },
    ],
  ])(".claude.json: %s", (_name, input, expected) => {
    expect(sanitizeGlobalConfig(input)).toEqual(expected);
  });

  test.each([
    [
      "key helpers and cloud auth hooks go",
      {
        apiKeyHelper: "x",
        awsAuthRefresh: "y",
        awsCredentialExport: "z",
        gcpAuthRefresh: "g",
        forceLoginMethod: "claudeai",
        model: "opus",
      },
      { model: "opus" },
    ],
    [
      "routing env goes",
      {
        env: { ANTHROPIC_AUTH_TOKEN: "t", ANTHROPIC_BEDROCK_BASE_URL: "b", DEBUG: "1" },
        permissions: { allow: ["Bash"] },
      },
      { env: { DEBUG: "1" }, permissions: { allow: ["Bash"] } },
    ],
  ])("settings.json: %s", (_name, input, expected) => {
    expect(sanitizeSettings(input)).toEqual(expected);
  });
});

describe("approveKey", () => {
  const key = `${"k".repeat(12)}ABCDEFGHIJKLMNOPQRST`;
  test.each([
    [
      "empty config",
      {},
      { hasCompletedOnboarding: true, customApiKeyResponses: { approved: ["ABCDEFGHIJKLMNOPQRST"], rejected: [] } },
    ],
    [
      "a rejected key is un-rejected, others kept",
      { customApiKeyResponses: { approved: ["old"], rejected: ["ABCDEFGHIJKLMNOPQRST", "other"] }, theme: "light" },
      {
        theme: "light",
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: ["old", "ABCDEFGHIJKLMNOPQRST"], rejected: ["other"] },
      },
    ],
    [
      "a stored key never survives",
      { primaryApiKey: "sk-ant-x" },
      { hasCompletedOnboarding: true, customApiKeyResponses: { approved: ["ABCDEFGHIJKLMNOPQRST"], rejected: [] } },
    ],
  ])("%s", (_name, input, expected) => {
    expect(approveKey(input, key)).toEqual(expected);
  });

  test("keeps the 20 newest approvals (concurrent launches), the new one last", () => {
    const approved = Array.from({ length: 25 }, (_, i) => `key-${i}`);
    const out = approveKey({ customApiKeyResponses: { approved } }, key).customApiKeyResponses as {
      approved: string[];
    };
    expect(out.approved).toHaveLength(20);
    expect(out.approved.at(-1)).toBe("ABCDEFGHIJKLMNOPQRST");
    expect(out.approved[0]).toBe("key-6");
  });
});

describe("claudeSource", () => {
  test.each([
    ["default: ~/.claude and ~/.claude.json", { HOME: "/h" }, { dir: "/h/.claude", json: "/h/.claude.json" }],
    [
      "CLAUDE_CONFIG_DIR: its .claude.json inside",
      { HOME: "/h", CLAUDE_CONFIG_DIR: "/cfg" },
      { dir: "/cfg", json: "/cfg/.claude.json" },
    ],
    [
      "nested prodex launch: back to the user's home",
      { HOME: "/h", CLAUDE_CONFIG_DIR: "/p/claude" },
      { dir: "/h/.claude", json: "/h/.claude.json" },
    ],
  ])("%s", (_name, env, expected) => {
    expect(claudeSource(env, "/p/claude")).toEqual(expected);
  });
});

describe("prepareClaudeHome", () => {
  function userHome() {
    const home = temp();
    const src = { dir: join(home, ".claude"), json: join(home, ".claude.json") };
    mkdirSync(join(src.dir, "projects"), { recursive: true });
    mkdirSync(join(src.dir, "commands"), { recursive: true });
    writeFileSync(join(src.dir, "history.jsonl"), "{}\n");
    writeFileSync(join(src.dir, ".credentials.json"), '{"claudeAiOauth":{}}');
    writeFileSync(
      join(src.dir, "settings.json"),
      JSON.stringify({ apiKeyHelper: "x", permissions: { allow: ["Bash"] } }),
    );
    writeFileSync(
      src.json,
      JSON.stringify({ primaryApiKey: "sk-ant", projects: { "/w": { hasTrustDialogAccepted: true } } }),
    );
    return src;
  }

  test("imports config and settings once, links shared state, never credentials", () => {
    const src = userHome();
    const dir = join(temp(), "claude");
    const r = prepareClaudeHome(dir, src);
    expect(r.imported).toEqual([src.json, join(src.dir, "settings.json")]);
    expect(r.linked.sort()).toEqual(["commands", "history.jsonl", "projects"]);
    expect(readlinkSync(join(dir, "projects"))).toBe(join(src.dir, "projects"));
    expect(existsSync(join(dir, ".credentials.json"))).toBe(false);
    expect(readJson(join(dir, ".claude.json"))).toEqual({ projects: { "/w": { hasTrustDialogAccepted: true } } });
    expect(readJson(join(dir, "settings.json"))).toEqual({ permissions: { allow: ["Bash"] } });
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  test("the import happens once; later launches only link what is new", () => {
    const src = userHome();
    const dir = join(temp(), "claude");
    prepareClaudeHome(dir, src);
    writeFileSync(src.json, JSON.stringify({ projects: {} }));
    mkdirSync(join(src.dir, "agents"));
    const again = prepareClaudeHome(dir, src);
    expect(again.imported).toEqual([]);
    expect(again.linked).toEqual(["agents"]);
    expect(readJson(join(dir, ".claude.json")).projects).toEqual({ "/w": { hasTrustDialogAccepted: true } });
  });

  test("real entries already in the managed dir are kept", () => {
    const src = userHome();
    const dir = join(temp(), "claude");
    mkdirSync(join(dir, "projects"), { recursive: true });
    const r = prepareClaudeHome(dir, src);
    expect(r.linked).not.toContain("projects");
    expect(lstatSync(join(dir, "projects")).isSymbolicLink()).toBe(false);
  });

  test("no Claude home yet: a fresh managed dir, nothing created in the user's home", () => {
    const home = temp();
    const src = { dir: join(home, ".claude"), json: join(home, ".claude.json") };
    const dir = join(temp(), "claude");
    expect(prepareClaudeHome(dir, src)).toEqual({ imported: [], linked: [], notes: [] });
    expect(existsSync(src.dir)).toBe(false);
  });

  test("an unreadable user config is reported, not copied", () => {
    const src = userHome();
    writeFileSync(src.json, "{broken");
    const dir = join(temp(), "claude");
    const r = prepareClaudeHome(dir, src);
    expect(r.notes[0]).toContain("not a JSON object");
    expect(existsSync(join(dir, ".claude.json"))).toBe(false);
  });
});

describe("approveLaunchKey", () => {
  test("writes onboarding and the approval, keeping what Claude Code stored", async () => {
    const dir = temp();
    writeFileSync(join(dir, ".claude.json"), JSON.stringify({ numStartups: 3, projects: { "/w": {} } }));
    await approveLaunchKey(dir, "token-0123456789-ABCDEFGHIJKLMNOPQRST");
    const c = readJson(join(dir, ".claude.json"));
    expect(c.numStartups).toBe(3);
    expect(c.hasCompletedOnboarding).toBe(true);
    expect((c.customApiKeyResponses as { approved: string[] }).approved).toEqual(["ABCDEFGHIJKLMNOPQRST"]);
    expect(lstatSync(join(dir, ".claude.json")).mode & 0o777).toBe(0o600);
  });

  test("refuses to overwrite a config that is not JSON", async () => {
    const dir = temp();
    writeFileSync(join(dir, ".claude.json"), "{half");
    let error: unknown;
    try {
      await approveLaunchKey(dir, "token-0123456789-ABCDEFGHIJKLMNOPQRST");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LocalStateError);
    expect(readFileSync(join(dir, ".claude.json"), "utf8")).toBe("{half");
  });
});

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_INPUT_READY } from "@prodex/testkit/claude-screen";
import { type CliEnv, CLI, failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { ptyScreen } from "@prodex/testkit/pty-screen";

// The real Claude Code (@anthropic-ai/claude-code, pinned) through `prodex claude`, against the
// mock ChatGPT backend. The user's own Claude home is the temp HOME's ~/.claude and ~/.claude.json.

const openEnv = useCliEnvs();

const responses = (w: CliEnv) => w.mock.requests({ path: "/backend-api/codex/responses" });

/** A loopback server that must never be called: where leaked routing would send Claude Code. */
function trap() {
  const hits: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => (hits.push(`${req.method} ${new URL(req.url).pathname}`), new Response("no", { status: 500 })),
  });
  return { url: `http://127.0.0.1:${server.port}`, hits, stop: () => server.stop(true) };
}

describe("prodex claude with the real Claude Code", () => {
  test("headless: -p prints the pool's answer, only it, and exits 0", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    const r = await world.prodex(["claude", "--", "-p", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    expect(r.stderr).toContain("prodex:");
    const served = responses(world);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((q) => q.accountId === "acct-a" && q.status === 200)).toBe(true);
  }, 60_000);

  test("the first account exhausted: the launch starts on the next one", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 1200 } },
      { id: "acct-b", primary: { usedPercent: 10 } },
    ]);
    const r = await world.prodex(["claude", "--", "-p", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    expect(r.stderr).toContain("starting on p2");
    expect(responses(world).every((q) => q.accountId === "acct-b")).toBe(true);
  }, 60_000);

  test("the first account hits its limit mid-session: the request moves and Claude never sees it", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 50 } },
    ]);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const r = await world.prodex(["claude", "--", "-p", "say hi"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toBe("hi from mock\n");
    const served = responses(world).map((q) => `${q.accountId}:${q.status}`);
    expect(served).toContain("acct-a:429");
    expect(served).toContain("acct-b:200");
  }, 60_000);

  test("tool round trip: Claude runs Bash, the answer comes back, thinking returns to its account", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 40 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    const r = await world.prodex(["claude", "--", "-p", "use the tool please", "--allowedTools", "Bash"]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("tool said:");
    expect(r.stdout).toContain("tool-ran");
    const turn = responses(world).filter((q) => q.status === 200);
    expect(turn.length).toBeGreaterThanOrEqual(2);
    expect(new Set(turn.map((q) => q.accountId)).size).toBe(1);
    // Claude Code echoed the signed thinking block; the proxy turned it back into reasoning.
    const last = turn.at(-1)?.body as { input: { type: string; encrypted_content?: string; output?: string }[] };
    expect(last.input.some((i) => i.type === "reasoning" && typeof i.encrypted_content === "string")).toBe(true);
    expect(last.input.find((i) => i.type === "function_call_output")?.output).toContain("tool-ran");
  }, 90_000);

  test("nothing leaks to another vendor: inherited keys, routing and project settings are overridden", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const t = trap();
    try {
      const workspace = world.env.HOME as string;
      mkdirSync(join(workspace, ".claude"), { recursive: true });
      writeFileSync(
        join(workspace, ".claude", "settings.json"),
        JSON.stringify({ env: { ANTHROPIC_BASE_URL: t.url, ANTHROPIC_AUTH_TOKEN: "sk-project-token" } }),
      );
      const r = await world.prodex(["claude", "--", "-p", "say hi"], {
        env: {
          ANTHROPIC_BASE_URL: t.url,
          ANTHROPIC_API_KEY: "sk-ant-api03-real-user-key",
          CLAUDE_CODE_USE_BEDROCK: "1",
          AWS_BEARER_TOKEN_BEDROCK: "bedrock-secret",
        },
      });
      expect(r.code, failure(r)).toBe(0);
      expect(r.stdout).toBe("hi from mock\n");
      expect(t.hits).toEqual([]);
      expect(r.stderr).not.toContain("sk-ant-api03-real-user-key");
    } finally {
      t.stop();
    }
  }, 60_000);

  test("--dry-run prints command and environment with the token redacted", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const r = await world.prodex(["claude", "--dry-run", "--model", "gpt-5-codex", "--", "-p", "hi"], {
      env: { ANTHROPIC_API_KEY: "sk-ant-api03-real-user-key" },
    });
    expect(r.code, failure(r)).toBe(0);
    expect(r.stdout).toContain("ANTHROPIC_API_KEY=***");
    expect(r.stdout).toContain("ANTHROPIC_MODEL=gpt-5-codex");
    expect(r.stdout).toContain("environment (removed): ANTHROPIC_API_KEY");
    expect(r.stdout).not.toContain("sk-ant-api03-real-user-key");
    expect(responses(world)).toEqual([]);
    // Without `--`, Claude's own -p still reaches Claude (prodex claude has no -p flag of its own).
    const bare = await world.prodex(["claude", "--dry-run", "-p", "say hi"]);
    expect(bare.code, failure(bare)).toBe(0);
    expect(bare.stdout).toMatch(/command: .*claude --settings '.*' -p 'say hi'/);
  }, 30_000);

  test("a bad --model is one clear line and exit 1", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const r = await world.prodex(["claude", "--model", "gpt 5", "--", "-p", "hi"]);
    expect(r.code, failure(r)).toBe(1);
    expect(r.stderr).toContain('--model "gpt 5"');
    expect(r.stderr).not.toContain("    at ");
  }, 30_000);

  test("interactive start: no onboarding or API-key question, the input box answers through the pool, /model shows the mapping", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const home = world.env.HOME as string;
    // The user's own Claude state: this folder trusted, a user MCP server, a settings file with a key helper.
    writeFileSync(
      join(home, ".claude.json"),
      JSON.stringify({
        hasCompletedOnboarding: true,
        projects: { [home]: { hasTrustDialogAccepted: true } },
        mcpServers: { notes: { type: "stdio", command: "true" } },
        primaryApiKey: "sk-ant-api03-stored",
      }),
    );
    mkdirSync(join(home, ".claude", "commands"), { recursive: true });
    writeFileSync(
      join(home, ".claude", "settings.json"),
      JSON.stringify({
        apiKeyHelper: "echo sk-helper",
        env: { ANTHROPIC_BASE_URL: "https://elsewhere.invalid", FOO: "bar" },
      }),
    );
    const pty = await ptyScreen(["bun", CLI, "claude"], { env: world.env, cwd: home });
    let seen = "";
    try {
      const other = /Do you want to use this API key|Choose the text style|Unable to connect|trust this folder/i;
      seen = await pty.waitFor(new RegExp(`${CLAUDE_INPUT_READY.source}|${other.source}`, "i"), 45_000);
      expect(seen, seen).toMatch(CLAUDE_INPUT_READY);
      expect(seen, seen).not.toMatch(/API key|text style|Unable to connect|trust this folder/i);
      pty.type("say hi");
      await Bun.sleep(400);
      pty.type("\r");
      seen = await pty.waitFor(/hi from mock/, 30_000);
      // /model lists the mapped models in Claude's own picker.
      pty.type("/model");
      await Bun.sleep(400);
      pty.type("\r");
      seen = await pty.waitFor(/Haiku tier: gpt-5-mini/, 20_000);
      expect(seen, seen).toMatch(/Opus tier: gpt-5 /);
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- last screen\n${await pty.screen()}`,
      );
    } finally {
      await pty.kill();
    }
    expect(responses(world).some((q) => q.status === 200)).toBe(true);

    const managed = join(world.env.PRODEX_HOME as string, "claude");
    const config = JSON.parse(readFileSync(join(managed, ".claude.json"), "utf8")) as Record<string, unknown>;
    expect(config.hasCompletedOnboarding).toBe(true);
    expect(config.primaryApiKey).toBeUndefined();
    expect((config.mcpServers as Record<string, unknown>).notes).toBeDefined();
    const approved = (config.customApiKeyResponses as { approved: string[] }).approved;
    expect(approved).toHaveLength(1);
    expect(approved[0]).toHaveLength(20);
    const settings = JSON.parse(readFileSync(join(managed, "settings.json"), "utf8")) as {
      apiKeyHelper?: string;
      env: Record<string, string>;
    };
    expect(settings.apiKeyHelper).toBeUndefined();
    expect(settings.env).toEqual({ FOO: "bar" });
  }, 120_000);

  test("an idle interactive session (Claude Code 2.1.332 keeps its caches warm while idle): no error event, no warning", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    const home = world.env.HOME as string;
    writeFileSync(
      join(home, ".claude.json"),
      JSON.stringify({ hasCompletedOnboarding: true, projects: { [home]: { hasTrustDialogAccepted: true } } }),
    );
    const pty = await ptyScreen(["bun", CLI, "claude"], { env: world.env, cwd: home });
    try {
      await pty.waitFor(CLAUDE_INPUT_READY, 45_000);
      pty.type("say hi");
      await Bun.sleep(400);
      pty.type("\r");
      await pty.waitFor(/hi from mock/, 30_000);
      // Past one cache_touch interval (30 s by default) with nothing typed.
      await Bun.sleep(36_000);
      expect(await pty.screen()).not.toMatch(/API Error|error|Unable to connect|rate limit/i);
    } finally {
      await pty.kill();
    }
    const logs = await world.prodex(["logs", "--json"]);
    expect(logs.code, failure(logs)).toBe(0);
    const events = logs.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; level: string; message: string });
    expect(events.filter((e) => e.level !== "info" || e.kind === "request.failed" || e.kind === "error")).toEqual([]);
    // Whatever the proxy logged meanwhile: no warning, no error (a cache_touch, if any, is a debug line).
    const dir = world.env.PRODEX_RUNTIME_LOG_DIR as string;
    const text = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".log"))
          .map((f) => readFileSync(join(dir, f), "utf8"))
          .join("")
      : "";
    expect(text.split("\n").filter((l) => / (WARN|ERROR) /.test(l))).toEqual([]);
    const served = responses(world);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((q) => q.status === 200)).toBe(true);
  }, 120_000);
});

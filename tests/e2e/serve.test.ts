import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Context, writeAuth } from "@prodex/core";
import { resolveAgentBin } from "../../apps/cli/src/launch/agent-bin.ts";
import { serveSchema } from "../../apps/cli/src/output/schemas/serve.ts";
import OpenAI from "openai";
import { type CliEnv, cliEnv, runToEnd } from "@prodex/testkit/cli-env";
import { type Running, startProdex } from "@prodex/testkit/long-running";
import { parsePromText, promSum } from "@prodex/testkit/prom-text";
import { responsesBody } from "@prodex/testkit/responses-body";

// `prodex serve`: the proxy alone, for scripts. Real processes, real signals, the mock upstream.

let world: CliEnv | null = null;
let serving: Running | null = null;
afterEach(async () => {
  serving?.proc.kill("SIGKILL");
  await serving?.exit();
  serving = null;
  await world?.close();
  world = null;
});

function runtimes(env: Record<string, string>) {
  const ctx = new Context({ env, source: "test-read" });
  try {
    return ctx.store.runtimes.list();
  } finally {
    ctx.close();
  }
}

function allRuntimeLogs(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

describe("prodex serve", () => {
  test("--json: one line a script can use; the real Codex CLI and Claude Code answer through it; SIGTERM stops it cleanly", async () => {
    world = await cliEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    serving = startProdex(["serve", "--json"], world.env);
    const info = serveSchema.parse(JSON.parse(await serving.firstLine));
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.profile).toBe("p1");
    expect(runtimes(world.env).map((r) => [r.kind, r.pid, r.url])).toEqual([["serve", serving.proc.pid, info.url]]);

    const codex = join(import.meta.dir, "../../apps/cli/node_modules/.bin/codex");
    const {
      stdout: out,
      stderr: err,
      code,
    } = await runToEnd(
      [codex, "exec", "--skip-git-repo-check", ...info.codex.args, "-c", "analytics.enabled=false", "say hi"],
      { cwd: world.env.HOME, env: { ...world.env, ...info.codex.env } },
    );
    expect(code, err).toBe(0);
    expect(out).toContain("hi from mock");

    // …and the real Claude Code, headless, with the claude settings from the same line.
    if (!info.claude) throw new Error("serve printed no claude settings");
    const claudeBin = resolveAgentBin("claude", process.env);
    if (!claudeBin) throw new Error("Claude Code not installed; run bun install");
    const {
      stdout: cOut,
      stderr: cErr,
      code: cCode,
    } = await runToEnd([claudeBin.path, ...info.claude.args, "-p", "say hi"], {
      cwd: world.env.HOME,
      env: { ...world.env, ...info.claude.env, CLAUDE_CONFIG_DIR: join(world.dir, "claude-config") },
    });
    expect(cCode, cErr).toBe(0);
    expect(cOut).toBe("hi from mock\n");

    // Its `/metrics`, where the line says and with the header it gives: both clients' answers, as the mock served them.
    expect((await fetch(info.metrics.url)).status).toBe(401);
    const scraped = await fetch(info.metrics.url, { headers: info.metrics.headers });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    const scrapedFamilies = parsePromText(text);
    const count = (client: string) => promSum(scrapedFamilies, "prodex_requests_total", { client });
    expect(count("codex")).toBeGreaterThan(0);
    expect(count("claude")).toBeGreaterThan(0);
    // Every inference request the mock took (Codex's websocket prewarm included: it reached the account too).
    expect(count("codex") + count("claude")).toBe(world.mock.accounts()[0]?.counters.requests ?? -1);
    expect(text).not.toContain(info.secret);

    serving.proc.kill("SIGTERM");
    expect(await serving.exit()).toBe(0);
    expect(runtimes(world.env)).toEqual([]);
    // The secret went to stdout only: not into the runtime log, the events, or stderr.
    expect(allRuntimeLogs(world.env.PRODEX_RUNTIME_LOG_DIR as string)).not.toContain(info.secret);
    expect(serving.stderr()).not.toContain(info.secret);
    const ctx = new Context({ env: world.env, source: "test-read" });
    const events = ctx.store.events.list({ limit: 10_000 });
    ctx.close();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(info.secret);
  }, 60_000);

  test("the real Codex refreshes its expired login through the refresh URL in its environment", async () => {
    world = await cliEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    serving = startProdex(["serve", "--json"], world.env);
    const info = serveSchema.parse(JSON.parse(await serving.firstLine));
    // The login expires after serve started (and checked it): Codex must refresh before its first request.
    const ctx = new Context({ env: world.env, source: "test-setup" });
    try {
      writeAuth(
        ctx.store.profiles.get("p1")?.codexHome ?? "",
        world.mock.authFile("acct-a", { expiresInSeconds: -60 }),
      );
    } finally {
      ctx.close();
    }
    // A tap in front of the refresh URL, to see Codex's own refresh and the proxy's answer.
    const refreshUrl = info.codex.env.CODEX_REFRESH_TOKEN_URL_OVERRIDE ?? "";
    expect(refreshUrl).toContain(`/k/${info.secret}/oauth/token`);
    const seen: number[] = [];
    const tap = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (req) => {
        const res = await fetch(refreshUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: await req.text(),
        });
        seen.push(res.status);
        return new Response(await res.text(), { status: res.status, headers: { "content-type": "application/json" } });
      },
    });
    try {
      const codex = join(import.meta.dir, "../../apps/cli/node_modules/.bin/codex");
      const {
        stdout: out,
        stderr: err,
        code,
      } = await runToEnd(
        [codex, "exec", "--skip-git-repo-check", ...info.codex.args, "-c", "analytics.enabled=false", "say hi"],
        {
          cwd: world.env.HOME,
          env: {
            ...world.env,
            ...info.codex.env,
            CODEX_REFRESH_TOKEN_URL_OVERRIDE: `http://127.0.0.1:${tap.port}/oauth/token`,
          },
        },
      );
      expect(code, err.slice(-2000)).toBe(0);
      expect(out).toContain("hi from mock");
      expect(seen).toEqual([200]);
      expect(info.codex.args.join(" ")).not.toContain(info.secret);
    } finally {
      tap.stop(true);
    }
  }, 60_000);

  test("text mode prints copy-paste lines; SIGINT drains an in-flight stream, then exits 130", async () => {
    world = await cliEnv([{ id: "acct-a", primary: { usedPercent: 10 } }], {
      stream: { chunks: 8, chunkDelayMs: 250 },
    });
    serving = startProdex(["serve", "--drain", "20"], world.env);
    await serving.firstLine;
    while (!serving.stdout().includes("Pool events")) await Bun.sleep(20);
    const text = serving.stdout();
    expect(text).toContain("export CODEX_REFRESH_TOKEN_URL_OVERRIDE=");
    expect(text).toContain("codex -c 'model_providers.prodex={");
    expect(text).toContain("export PRODEX_LAUNCH_KEY=");
    const base = /OPENAI_BASE_URL=(\S+)/.exec(text)?.[1];
    const key = /header x-prodex-key: (\S+)/.exec(text)?.[1];
    expect(base).toBeDefined();
    expect(key).toBeDefined();
    // The base URL alone is not enough: the key (here as the header) carries the secret.
    expect(
      (
        await fetch(`${base}/responses`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(responsesBody("say hi")),
        })
      ).status,
    ).toBe(401);

    const res = await fetch(`${base}/responses`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: "Bearer x",
        "x-prodex-key": key ?? "",
      },
      body: JSON.stringify(responsesBody("say hi")),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    serving.proc.kill("SIGINT");
    let rest = new TextDecoder().decode(first.value);
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += new TextDecoder().decode(r.value);
    }
    // The stream that was in flight when the signal came finished whole.
    expect(rest).toContain("response.completed");
    expect(await serving.exit()).toBe(130);
    expect(serving.stderr()).toContain("draining");
    expect(runtimes(world.env)).toEqual([]);
  }, 60_000);

  test("a port in use: one clear line, exit 1", async () => {
    world = await cliEnv([{ id: "acct-a" }]);
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
    try {
      const r = await world.prodex(["serve", "--port", String(blocker.port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${blocker.port} on 127.0.0.1 is already in use`);
      expect(r.stderr).not.toContain("    at ");
    } finally {
      blocker.stop(true);
    }
  }, 60_000);

  test("no profiles: a clear line, exit 1", async () => {
    world = await cliEnv([]);
    const r = await world.prodex(["serve"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no profiles yet");
  }, 60_000);

  // What the OpenAI issue's new user did: the official `openai` SDK on `openai.baseUrl` with `openai.apiKey`.
  test("the SDK on openai.baseUrl: Responses (not streamed), Chat Completions (streamed) and models, rotating past an exhausted account", async () => {
    world = await cliEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    serving = startProdex(["serve", "--json"], world.env);
    const info = serveSchema.parse(JSON.parse(await serving.firstLine));
    expect(info.openai.baseUrl).toBe(`${info.url}/openai/v1`);
    expect(info.openai.chatCompletionsUrl).toBe(`${info.openai.baseUrl}/chat/completions`);
    world.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });

    const client = new OpenAI({ baseURL: info.openai.baseUrl, apiKey: info.openai.apiKey, maxRetries: 0 });
    const response = await client.responses.create({ model: "gpt-5", input: "say hi" });
    expect(response.output_text).toBe("hi from mock");

    let text = "";
    const stream = await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "say hi" }],
      stream: true,
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("hi from mock");

    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["gpt-5", "gpt-5-codex"]);
    const served = world.mock
      .requests({ path: "/backend-api/codex/responses" })
      .map((r) => `${r.accountId}:${r.status}`);
    expect(served).toEqual(["acct-a:429", "acct-b:200", "acct-b:200"]);

    // The secret is the key: without it, nothing.
    const keyless = new OpenAI({ baseURL: info.openai.baseUrl, apiKey: "wrong", maxRetries: 0 });
    expect(await keyless.models.list().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
  }, 60_000);
});

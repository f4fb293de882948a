import type { Command } from "commander";
import { NotFoundError, UsageError, currentName, getProfile, resolveChatgptBase } from "@prodex/core";
import { type ModelConfig, type ProxyHandle, startProxy } from "@prodex/proxy";
import { errorCode } from "@prodex/guards";
import { type Cli, withCli } from "../cli-context.ts";
import { codexWebsockets } from "../launch/codex-launch.ts";
import { claudeModels } from "./claude.ts";
import { registerRuntime } from "../ops/runtime-registry.ts";
import { serveJson, serveText } from "../output/serve-output.ts";

type ServeOptions = {
  port?: number;
  profile?: string;
  baseUrl?: string;
  autoRotate?: boolean;
  json?: boolean;
  drain: number;
  quiet?: boolean;
};

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return n;
}

function secondsArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3_600)
    throw new UsageError(`--drain must be seconds from 0 to 3600, got "${value}"`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the pool proxy alone and print what a script needs to point Codex or another client at it")
    .option("--port <port>", "loopback port to listen on (default: any free one)", portArg)
    .option("-p, --profile <name>", "start on this profile (default: the current one)")
    .option(
      "--base-url <url>",
      "ChatGPT base URL upstream (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .option("--no-auto-rotate", "stay on one profile; pass its limit errors through")
    .option("--json", "print one JSON line (schema prodex.serve/v1) once listening")
    .option("--drain <seconds>", "on SIGTERM/SIGINT, let in-flight streams finish for up to this long", secondsArg, 30)
    .option("-q, --quiet", "no prodex messages on stderr")
    .action((opts: ServeOptions) => withCli({ quiet: opts.quiet }, (cli) => serve(cli, opts)));
}

async function listen(
  cli: Cli,
  opts: ServeOptions,
  base: string,
  preferred: string,
  models: ModelConfig,
): Promise<ProxyHandle> {
  try {
    return await startProxy({
      ctx: cli.ctx,
      upstreamBase: base,
      preferred,
      autoRotate: opts.autoRotate !== false,
      port: opts.port,
      claude: { models },
    });
  } catch (e) {
    if (errorCode(e) === "EADDRINUSE" || /in use/i.test(e instanceof Error ? e.message : "")) {
      throw new UsageError(
        `port ${opts.port} on 127.0.0.1 is already in use`,
        "pick another --port, or leave it out for any free one",
      );
    }
    throw e;
  }
}

function nextSignal(): Promise<"SIGINT" | "SIGTERM"> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}

async function serve(cli: Cli, opts: ServeOptions): Promise<void> {
  const { ctx, io } = cli;
  const base = resolveChatgptBase(opts.baseUrl, io.env);
  if (opts.profile) getProfile(ctx, opts.profile);
  const preferred = opts.profile ?? currentName(ctx);
  if (!preferred)
    throw new NotFoundError(
      "no profiles yet: the proxy would have no account to use",
      "add one: prodex login, or prodex profile import-current (or try prodex demo)",
    );

  // Claude's model mapping as `prodex claude` has it (config.json claude.models, PRODEX_CLAUDE_MODEL).
  const { models } = claudeModels(ctx, undefined, io.env);
  const proxy = await listen(cli, opts, base, preferred, models);
  const reg = await registerRuntime(ctx, { kind: "serve", url: proxy.url, upstream: base }).catch(
    async (e: unknown) => {
      await proxy.stop({ drainMs: 0 });
      throw e;
    },
  );
  const stopped = nextSignal();
  try {
    const info = serveJson(proxy, {
      pid: process.pid,
      upstream: base,
      profile: preferred,
      codexHome: getProfile(ctx, preferred).codexHome,
      websockets: codexWebsockets(io.env),
      claudeModels: models,
      env: io.env,
    });
    // stdout is the answer the user asked for (it holds the secret); notes go to stderr.
    io.out(opts.json ? JSON.stringify(info) : serveText(info));
    io.note(`serving; runtime log ${proxy.runtimeLogPath}`);
    const signal = await stopped;
    io.note(`${signal}: draining in-flight requests (up to ${opts.drain}s; send it again to stop at once)`);
    const force = nextSignal().then(() => {
      reg.close();
      process.exit(signal === "SIGINT" ? 130 : 0);
    });
    void force;
    await proxy.stop({ drainMs: opts.drain * 1000 });
    io.note("stopped");
    process.exitCode = signal === "SIGINT" ? 130 : 0;
  } finally {
    reg.close();
    await proxy.stop({ drainMs: 0 });
  }
}

import { join } from "node:path";
import type { Command } from "commander";
import { type Context, ModelName, UsageError, loadConfig } from "@prodex/core";
import { DEFAULT_MODELS, type ModelConfig } from "@prodex/proxy";
import { type Cli, withCli } from "../cli-context.ts";
import { approveLaunchKey, claudeSource, prepareClaudeHome } from "../launch/claude-home.ts";
import { type ClaudeLaunchSpec, claudeLaunch, isHeadless } from "../launch/claude-launch.ts";
import { isSecretName, redactInherited } from "../launch/codex-launch.ts";
import { type LaunchFlags, launchAgent } from "../launch/launch-agent.ts";

export type ClaudeOptions = LaunchFlags & { model?: string; quiet?: boolean };

export function registerClaude(program: Command): void {
  program
    .command("claude")
    .description("run Claude Code on the ChatGPT pool (Anthropic API translated by the proxy)")
    .argument("[claudeArgs...]", 'arguments for claude (after --; e.g. -- -p "say hi")')
    // No -p short flag here: `prodex claude -p "…"` is Claude's print mode.
    .option("--profile <name>", "start on this profile (default: the current one)")
    .option("--no-auto-rotate", "stay on one profile; pass its limit errors through")
    .option("--skip-quota-check", "launch without checking quota first")
    .option("--model <model>", "the model Claude Code starts on (a GPT name, or a Claude name mapped by claude.models)")
    .option(
      "--base-url <url>",
      "ChatGPT base URL upstream (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .option("--gateway <url>", "run through a team gateway (key: $PRODEX_GATEWAY_KEY or prodex gateway login URL)")
    .option("--dry-run", "print the command and environment (secrets redacted) and exit")
    .option("--no-tui", "no dashboard: run Claude Code directly in this terminal")
    .option("-q, --quiet", "no prodex messages on stderr")
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .action((claudeArgs: string[], opts: ClaudeOptions) =>
      withCli({ quiet: opts.quiet }, (cli) => launchClaude(cli, opts, claudeArgs)),
    );
}

/** Model mapping and start model: `--model` > PRODEX_CLAUDE_MODEL > config.json `claude.model`; families from `claude.models`. */
export function claudeModels(
  ctx: Context,
  flag: string | undefined,
  env: Record<string, string | undefined>,
): { models: ModelConfig; model: string | null } {
  const config = loadConfig(ctx.paths.config).claude;
  const models: ModelConfig = { ...DEFAULT_MODELS, ...config?.models };
  const [raw, where] =
    flag !== undefined
      ? [flag, "--model"]
      : env.PRODEX_CLAUDE_MODEL
        ? [env.PRODEX_CLAUDE_MODEL, "PRODEX_CLAUDE_MODEL"]
        : [config?.model ?? null, "config"];
  if (raw === null) return { models, model: null };
  const parsed = ModelName.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      `${where} "${raw}" ${parsed.error.issues[0]?.message ?? "is not a model name"}`,
      "e.g. --model gpt-5, or --model sonnet",
    );
  return { models, model: parsed.data };
}

function managedDir(ctx: Context): string {
  return join(ctx.paths.prodexHome, "claude");
}

function launchClaude(cli: Cli, opts: ClaudeOptions, userArgs: string[]): Promise<void> {
  const { models, model } = claudeModels(cli.ctx, opts.model, cli.io.env);
  const dir = managedDir(cli.ctx);
  // Claude Code behind the local proxy or a team gateway: the same launch, pointed at either with its key approved.
  const launchAt = async (bin: string, baseUrl: string, token: string) => {
    await approveLaunchKey(dir, token);
    return claudeLaunch({ bin, userArgs, baseUrl, token, configDir: dir, models, model, env: cli.io.env });
  };
  return launchAgent(cli, {
    agent: "claude",
    flags: opts,
    models,
    tui: opts.tui !== false && !isHeadless(userArgs),
    dryRun: ({ bin, preferred }) => dryRun(cli, { bin: bin.path, userArgs, dir, models, model, preferred }),
    prepare: () => {
      const home = prepareClaudeHome(dir, claudeSource(cli.io.env, dir));
      if (home.imported.length)
        cli.io.note(`imported Claude Code settings into ${dir} (from ${home.imported.join(", ")})`);
      for (const n of home.notes) cli.io.warn(n);
    },
    gatewaySpec: ({ bin, gateway }) => launchAt(bin.path, gateway.url, gateway.key),
    spec: ({ bin, proxy }) => launchAt(bin.path, proxy.url, proxy.secret),
  });
}

type DryRunInput = {
  bin: string;
  userArgs: string[];
  dir: string;
  models: ModelConfig;
  model: string | null;
  preferred: string;
};

/** Pure: the lines `--dry-run` prints (the token is a placeholder; inherited secrets are masked). */
export function dryRunLines(
  spec: ClaudeLaunchSpec,
  input: DryRunInput,
  env: Record<string, string | undefined>,
): string[] {
  const changed = Object.entries(spec.env).filter(([k, v]) => env[k] !== v);
  const quote = (a: string) => (/[\s"'{}]/.test(a) ? `'${a}'` : a);
  const { opus, sonnet, haiku, default: other } = input.models;
  const start = input.model ? `; starts on ${input.model}` : "";
  return [
    `profile: ${input.preferred}`,
    `claude config dir: ${input.dir}`,
    `models: opus → ${opus}, sonnet → ${sonnet}, haiku → ${haiku}, other → ${other}${start}`,
    `command: ${spec.cmd.map(quote).join(" ")}`,
    "environment (changed):",
    ...changed.map(([k, v]) => `  ${k}=${isSecretName(k) && k !== "CLAUDE_CODE_MAX_CONTEXT_TOKENS" ? "***" : v}`),
    `environment (removed): ${spec.removed.length ? spec.removed.join(", ") : "none"}`,
  ];
}

function dryRun(cli: Cli, input: DryRunInput): void {
  const env = cli.io.env;
  const spec = claudeLaunch({
    ...input,
    baseUrl: "http://127.0.0.1:<port>",
    token: "<per-launch token>",
    configDir: input.dir,
    env,
  });
  cli.io.out(redactInherited(dryRunLines(spec, input, env).join("\n"), env));
}

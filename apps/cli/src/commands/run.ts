import type { Command } from "commander";
import { NotFoundError, UsageError, currentName, getProfile, preflight, resolveChatgptBase } from "@prodex/core";
import { type Cli, withCli } from "../cli-context.ts";
import { agentVersion, resolveAgentBin } from "../launch/agent-bin.ts";
import { runInherited } from "../launch/child.ts";
import { codexLaunch, codexWebsockets, isSecretName, redact } from "../launch/codex-launch.ts";
import { openLaunchProxy } from "../launch/launch-proxy.ts";
import { runAgent } from "../launch/run-agent.ts";
import { warnOutsideRange } from "../launch/supported-versions.ts";

export type RunOptions = {
  profile?: string;
  autoRotate?: boolean;
  skipQuotaCheck?: boolean;
  baseUrl?: string;
  dryRun?: boolean;
  tui?: boolean;
  quiet?: boolean;
};

function runFlags(cmd: Command): Command {
  return cmd
    .option("-p, --profile <name>", "start on this profile (default: the current one)")
    .option("--no-auto-rotate", "stay on one profile; pass its limit errors through")
    .option("--skip-quota-check", "launch without checking quota first")
    .option("--base-url <url>", "ChatGPT base URL upstream (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)")
    .option("--dry-run", "print the command, environment and overrides (secrets redacted) and exit")
    .option("--no-tui", "no dashboard: run the agent directly in this terminal")
    .option("-q, --quiet", "no prodex messages on stderr")
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments();
}

export function registerRun(program: Command): void {
  runFlags(program.command("run").description("run Codex CLI through the pool (the default command)").argument("[codexArgs...]", "arguments for codex (after --)")).action(
    (codexArgs: string[], opts: RunOptions) => withCli({ quiet: opts.quiet }, (cli) => launchCodex(cli, opts, [], codexArgs)),
  );
  runFlags(program.command("exec").description("run `codex exec` through the pool (non-interactive; stdin is passed on)").argument("[codexArgs...]", "prompt and codex exec arguments")).action(
    (codexArgs: string[], opts: RunOptions) => withCli({ quiet: opts.quiet }, (cli) => launchCodex(cli, { ...opts, tui: false }, ["exec"], codexArgs)),
  );
}

async function launchCodex(cli: Cli, opts: RunOptions, subcommand: string[], userArgs: string[]): Promise<void> {
  const { ctx, io } = cli;
  const bin = resolveAgentBin("codex", io.env);
  if (!bin) throw new UsageError("Codex CLI not found", "reinstall prodex, install @openai/codex, or set PRODEX_CODEX_BIN");
  const base = resolveChatgptBase(opts.baseUrl, io.env);
  if (opts.profile) getProfile(ctx, opts.profile);
  const preferred = opts.profile ?? currentName(ctx);
  if (!preferred) throw new NotFoundError("no profiles yet", "add one: prodex login, or prodex profile import-current (or try prodex demo)");

  if (opts.dryRun) return dryRun(cli, bin.path, subcommand, userArgs, preferred, await agentVersion(bin));

  let chosen = preferred;
  if (!opts.skipQuotaCheck) {
    const result = await preflight(ctx, base, opts.autoRotate === false ? preferred : preferred);
    if (opts.autoRotate === false && result.profile !== preferred) {
      throw new UsageError(`${preferred} cannot serve now (${result.reason}) and --no-auto-rotate keeps prodex on it`, "drop --no-auto-rotate or pick another --profile");
    }
    chosen = result.profile;
    if (chosen !== preferred) io.note(`starting on ${chosen}: ${result.reason}`);
  }

  const version = await agentVersion(bin);
  warnOutsideRange(io, "codex", version);

  // The shared broker (one pool state for every launch of this PRODEX_HOME), or PRODEX_BROKER=0: a proxy of our own.
  const launch = await openLaunchProxy(cli, { upstream: base, profile: chosen, autoRotate: opts.autoRotate !== false });
  try {
    const profile = getProfile(ctx, chosen);
    const proxy = launch.endpoints;
    const spec = codexLaunch({ bin: bin.path, subcommand, userArgs, codexHome: profile.codexHome, proxy, env: io.env, websockets: codexWebsockets(io.env), version });
    const code = await runAgent(cli, { spec, proxy, agent: "codex", tui: opts.tui !== false, run: runInherited });
    process.exitCode = code;
  } finally {
    await launch.close();
  }
}

function dryRun(cli: Cli, bin: string, subcommand: string[], userArgs: string[], preferred: string, version: string | null): void {
  const profile = getProfile(cli.ctx, preferred);
  const placeholder = {
    codexBaseUrl: "http://127.0.0.1:<port>/s/<path-id>/backend-api/codex",
    chatgptBaseUrl: "http://127.0.0.1:<port>/s/<path-id>/backend-api/",
    refreshUrl: "http://127.0.0.1:<port>/k/<secret>/oauth/token",
    secret: "<secret>",
  };
  const spec = codexLaunch({ bin, subcommand, userArgs, codexHome: profile.codexHome, proxy: placeholder, env: cli.io.env, websockets: codexWebsockets(cli.io.env), version });
  const changed = Object.entries(spec.env).filter(([k, v]) => cli.io.env[k] !== v);
  const secretValues = Object.entries(cli.io.env).filter(([k, v]) => isSecretName(k) && v).map(([, v]) => v as string);
  const lines = [
    `profile: ${preferred} (${profile.codexHome})`,
    `command: ${spec.cmd.map((a) => (/[\s"{}]/.test(a) ? `'${a}'` : a)).join(" ")}`,
    "environment (changed):",
    ...changed.map(([k, v]) => `  ${k}=${isSecretName(k) ? "***" : v}`),
    "overrides:",
    ...spec.overrides.filter((o) => o !== "-c").map((o) => `  -c ${o}`),
  ];
  cli.io.out(redact(lines.join("\n"), secretValues));
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ensureGatewayLogin, getProfile } from "@prodex/core";
import { type Cli, withCli } from "../cli-context.ts";
import { agentVersion } from "../launch/agent-bin.ts";
import {
  codexGatewayLaunch,
  codexLaunch,
  codexWebsockets,
  isSecretName,
  redactInherited,
} from "../launch/codex-launch.ts";
import { type LaunchFlags, launchAgent } from "../launch/launch-agent.ts";

export type RunOptions = LaunchFlags & { quiet?: boolean };

function runFlags(cmd: Command): Command {
  return cmd
    .option("-p, --profile <name>", "start on this profile (default: the current one)")
    .option("--no-auto-rotate", "stay on one profile; pass its limit errors through")
    .option("--skip-quota-check", "launch without checking quota first")
    .option(
      "--base-url <url>",
      "ChatGPT base URL upstream (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .option("--gateway <url>", "run through a team gateway (key: $PRODEX_GATEWAY_KEY or prodex gateway login URL)")
    .option("--dry-run", "print the command, environment and overrides (secrets redacted) and exit")
    .option("--no-tui", "no dashboard: run the agent directly in this terminal")
    .option("-q, --quiet", "no prodex messages on stderr")
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments();
}

export function registerRun(program: Command): void {
  runFlags(
    program
      .command("run")
      .description("run Codex CLI through the pool (the default command)")
      .argument("[codexArgs...]", "arguments for codex (after --)"),
  ).action((codexArgs: string[], opts: RunOptions) =>
    withCli({ quiet: opts.quiet }, (cli) => launchCodex(cli, opts, [], codexArgs)),
  );
  runFlags(
    program
      .command("exec")
      .description("run `codex exec` through the pool (non-interactive; stdin is passed on)")
      .argument("[codexArgs...]", "prompt and codex exec arguments"),
  ).action((codexArgs: string[], opts: RunOptions) =>
    withCli({ quiet: opts.quiet }, (cli) => launchCodex(cli, { ...opts, tui: false }, ["exec"], codexArgs)),
  );
}

function launchCodex(cli: Cli, opts: RunOptions, subcommand: string[], userArgs: string[]): Promise<void> {
  return launchAgent(cli, {
    agent: "codex",
    flags: opts,
    tui: opts.tui !== false,
    dryRun: async ({ bin, preferred }) =>
      dryRun(cli, bin.path, subcommand, userArgs, preferred, await agentVersion(bin)),
    gatewaySpec: ({ bin, gateway, version }) =>
      codexGatewayLaunch({
        bin: bin.path,
        subcommand,
        userArgs,
        codexHome: gatewayCodexHome(cli),
        gateway,
        env: cli.io.env,
        websockets: codexWebsockets(cli.io.env),
        version,
      }),
    gatewaySetup: (gateway) => ensureGatewayLogin(gatewayCodexHome(cli), gateway.key),
    spec: ({ bin, profile, proxy, version }) =>
      codexLaunch({
        bin: bin.path,
        subcommand,
        userArgs,
        codexHome: profile.codexHome,
        proxy,
        env: cli.io.env,
        websockets: codexWebsockets(cli.io.env),
        version,
      }),
  });
}

/** The Codex home a gateway launch uses: Codex's own state (sessions, history) and the placeholder login. */
function gatewayCodexHome(cli: Cli): string {
  const home = join(cli.ctx.paths.prodexHome, "gateway", "codex-home");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

function dryRun(
  cli: Cli,
  bin: string,
  subcommand: string[],
  userArgs: string[],
  preferred: string,
  version: string | null,
): void {
  const profile = getProfile(cli.ctx, preferred);
  const placeholder = {
    codexBaseUrl: "http://127.0.0.1:<port>/s/<path-id>/backend-api/codex",
    chatgptBaseUrl: "http://127.0.0.1:<port>/s/<path-id>/backend-api/",
    refreshUrl: "http://127.0.0.1:<port>/k/<secret>/oauth/token",
    secret: "<secret>",
  };
  const spec = codexLaunch({
    bin,
    subcommand,
    userArgs,
    codexHome: profile.codexHome,
    proxy: placeholder,
    env: cli.io.env,
    websockets: codexWebsockets(cli.io.env),
    version,
  });
  const changed = Object.entries(spec.env).filter(([k, v]) => cli.io.env[k] !== v);
  const lines = [
    `profile: ${preferred} (${profile.codexHome})`,
    `command: ${spec.cmd.map((a) => (/[\s"{}]/.test(a) ? `'${a}'` : a)).join(" ")}`,
    "environment (changed):",
    ...changed.map(([k, v]) => `  ${k}=${isSecretName(k) ? "***" : v}`),
    "overrides:",
    ...spec.overrides.filter((o) => o !== "-c").map((o) => `  -c ${o}`),
  ];
  cli.io.out(redactInherited(lines.join("\n"), cli.io.env));
}

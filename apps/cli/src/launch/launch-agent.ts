import { UsageError, getProfile, preflight, requireCurrentName, resolveChatgptBase } from "@prodex/core";
import type { LaunchEndpoints, ModelConfig } from "@prodex/proxy";
import type { ProfileRow } from "@prodex/store";
import type { Cli } from "../cli-context.ts";
import { type AgentBin, agentVersion, resolveAgentBin } from "./agent-bin.ts";
import { runInherited } from "./child.ts";
import { GATEWAY_KEY_ENV, type LaunchSpec, redactInherited } from "./codex-launch.ts";
import { type GatewayTarget, gatewayTarget } from "./gateway-target.ts";
import { openLaunchProxy } from "./launch-proxy.ts";
import { runAgent } from "./run-agent.ts";
import { type Agent, SUPPORTED, warnOutsideRange } from "./supported-versions.ts";

// How `prodex run` / `exec` and `prodex claude` start an agent, written once: find the client,
// pick the starting profile (preflight), open the launch's proxy, run the agent inside or
// outside the dashboard, and always close the proxy. Each command supplies only what differs.

/** The flags every launch command takes. */
export type LaunchFlags = {
  profile?: string;
  autoRotate?: boolean;
  skipQuotaCheck?: boolean;
  baseUrl?: string;
  dryRun?: boolean;
  tui?: boolean;
  /** A team gateway to launch through (no local pool, no local proxy, no ChatGPT token here). */
  gateway?: string;
};

export type Launch = {
  agent: Agent;
  flags: LaunchFlags;
  /** Claude's model mapping, for the proxy's Messages route. */
  models?: ModelConfig;
  /** `--dry-run`: print what would run; nothing is started and no quota is read. */
  dryRun(o: { bin: AgentBin; preferred: string }): Promise<void> | void;
  /** After the preflight, before the proxy starts (Claude: its managed config dir). */
  prepare?(): void;
  /** The command and environment, once the launch's proxy is known. */
  spec(o: {
    bin: AgentBin;
    profile: ProfileRow;
    proxy: LaunchEndpoints;
    version: string | null;
  }): Promise<LaunchSpec> | LaunchSpec;
  /** The command through a team gateway (`--gateway URL`). */
  gatewaySpec(o: { bin: AgentBin; gateway: GatewayTarget; version: string | null }): Promise<LaunchSpec> | LaunchSpec;
  /** What the agent needs on disk before it starts through a gateway (never written on --dry-run). */
  gatewaySetup?(gateway: GatewayTarget): void;
  /** Whether a dashboard may wrap it (false for exec and print mode; the terminal can still say no). */
  tui: boolean;
};

export function requireAgentBin(agent: Agent, env: Record<string, string | undefined>): AgentBin {
  const bin = resolveAgentBin(agent, env);
  if (bin) return bin;
  const { name, package: pkg } = SUPPORTED[agent];
  throw new UsageError(
    `${name} not found`,
    `reinstall prodex, install ${pkg}, or set PRODEX_${agent.toUpperCase()}_BIN`,
  );
}

/** The profile a launch asks for: --profile (which must exist), else the current one. */
export function preferredProfile(cli: Cli, flag: string | undefined): string {
  return flag ? getProfile(cli.ctx, flag).name : requireCurrentName(cli.ctx);
}

/** Where the launch starts: the preferred profile when it can serve, else the one preflight picked. */
async function startingProfile(cli: Cli, base: string, preferred: string, flags: LaunchFlags): Promise<string> {
  if (flags.skipQuotaCheck) return preferred;
  const result = await preflight(cli.ctx, base, preferred);
  if (result.profile === preferred) return preferred;
  if (flags.autoRotate === false) {
    throw new UsageError(
      `${preferred} cannot serve now (${result.reason}) and --no-auto-rotate keeps prodex on it`,
      "drop --no-auto-rotate or pick another --profile",
    );
  }
  cli.io.note(`starting on ${result.profile}: ${result.reason}`);
  return result.profile;
}

/** Runs one launch to the end; the agent's exit code becomes prodex's. */
export async function launchAgent(cli: Cli, launch: Launch): Promise<void> {
  const { flags } = launch;
  const bin = requireAgentBin(launch.agent, cli.io.env);
  if (flags.gateway) return launchThroughGateway(cli, launch, bin, flags.gateway);
  const base = resolveChatgptBase(flags.baseUrl, cli.io.env);
  const preferred = preferredProfile(cli, flags.profile);
  if (flags.dryRun) return launch.dryRun({ bin, preferred });

  const chosen = await startingProfile(cli, base, preferred, flags);
  const version = await agentVersion(bin);
  warnOutsideRange(cli.io, launch.agent, version);
  launch.prepare?.();

  // The shared broker (one pool state for every launch of this PRODEX_HOME), or PRODEX_BROKER=0: a proxy of our own.
  const proxy = await openLaunchProxy(cli, {
    upstream: base,
    profile: chosen,
    autoRotate: flags.autoRotate !== false,
    models: launch.models,
  });
  try {
    const spec = await launch.spec({ bin, profile: getProfile(cli.ctx, chosen), proxy: proxy.endpoints, version });
    process.exitCode = await runAgent(cli, {
      spec,
      proxy: proxy.endpoints,
      agent: launch.agent,
      tui: launch.tui,
      run: runInherited,
    });
  } finally {
    await proxy.close();
  }
}

/** `--gateway URL`: the agent talks to the team gateway with the laptop's gateway key; the pool lives there. */
async function launchThroughGateway(cli: Cli, launch: Launch, bin: AgentBin, url: string): Promise<void> {
  const gateway = gatewayTarget(url, cli.io.env, cli.ctx.paths.prodexHome);
  const version = await agentVersion(bin);
  warnOutsideRange(cli.io, launch.agent, version);
  launch.prepare?.();
  const spec = await launch.gatewaySpec({ bin, gateway, version });
  if (launch.flags.dryRun) {
    cli.io.out(redactInherited(`command: ${spec.cmd.join(" ")}`, { ...cli.io.env, [GATEWAY_KEY_ENV]: gateway.key }));
    return;
  }
  launch.gatewaySetup?.(gateway);
  cli.io.note(`${launch.agent} via the team gateway ${gateway.url}`);
  process.exitCode = await runInherited(spec.cmd, spec.env);
}

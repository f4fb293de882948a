import type { ProxyHandle } from "@prodex/proxy";
import type { Cli } from "../cli-context.ts";
import type { LaunchSpec } from "./codex-launch.ts";

export type RunAgentOptions = {
  spec: LaunchSpec;
  proxy: ProxyHandle;
  agent: "codex" | "claude";
  tui: boolean;
  run: (cmd: string[], env: Record<string, string>) => Promise<number>;
};

/** Runs the agent headless (inherited stdio). The dashboard path plugs in here. */
export async function runAgent(cli: Cli, options: RunAgentOptions): Promise<number> {
  cli.io.note(`${options.agent} via the pool (proxy 127.0.0.1:${options.proxy.port}, log ${options.proxy.runtimeLogPath})`);
  return options.run(options.spec.cmd, options.spec.env);
}

import { connectFeed, type LaunchEndpoints } from "@prodex/proxy";
import type { Cli } from "../cli-context.ts";
import type { LaunchSpec } from "./codex-launch.ts";

export type RunAgentOptions = {
  spec: LaunchSpec;
  proxy: LaunchEndpoints;
  agent: "codex" | "claude";
  /** false for --no-tui (and exec / print mode); the terminal and env can still veto it. */
  tui: boolean;
  run: (cmd: string[], env: Record<string, string>) => Promise<number>;
};

/**
 * Runs the agent inside the dashboard when this is an interactive terminal (the pool panel fed
 * by the proxy's event stream), else headless with the terminal handed over as is.
 */
export async function runAgent(cli: Cli, options: RunAgentOptions): Promise<number> {
  const { spec, proxy, agent } = options;
  if (options.tui) {
    // The dashboard (React, Ink) is loaded only when it will draw: headless runs never pay for it.
    const { shouldUseTui } = await import("@prodex/tui/should-use-tui");
    if (shouldUseTui(cli.io.env, process.stdout)) {
      const tui = await (await import("@prodex/tui/load")).loadTui();
      const feed = await connectFeed(proxy);
      try {
        return await tui.runWrapped({ cmd: spec.cmd, env: spec.env, feed, title: agent });
      } finally {
        feed.close();
      }
    }
  }
  cli.io.note(`${agent} via the pool (proxy 127.0.0.1:${proxy.port}, log ${proxy.runtimeLogPath})`);
  return options.run(spec.cmd, spec.env);
}

import type { Command } from "commander";
import { UsageError, resolveChatgptBase } from "@prodex/core";
import { runBrokerProcess } from "@prodex/proxy";

/**
 * `prodex __broker --upstream URL` (hidden): the shared proxy launches start detached and
 * attach to; see docs/broker.md. Not for people to run, though running it by hand is harmless.
 */
export function registerBroker(program: Command): void {
  program
    .command("__broker", { hidden: true })
    .description("the shared proxy process launches attach to (started by prodex itself)")
    .option("--upstream <url>", "ChatGPT base URL upstream")
    .action(async (opts: { upstream?: string }) => {
      const upstream = resolveChatgptBase(opts.upstream, process.env);
      if (!/^https?:\/\//.test(upstream)) throw new UsageError(`--upstream must be an http(s) URL, got "${upstream}"`);
      process.exitCode = await runBrokerProcess({ env: process.env, upstream });
    });
}

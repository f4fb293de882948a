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
    .option("--port <n>", "listen on this loopback port (a launch reviving its dead broker passes the old one)")
    .action(async (opts: { upstream?: string; port?: string }) => {
      const upstream = resolveChatgptBase(opts.upstream, process.env);
      if (!/^https?:\/\//.test(upstream)) throw new UsageError(`--upstream must be an http(s) URL, got "${upstream}"`);
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
        throw new UsageError(`--port must be a port number, got "${opts.port}"`);
      process.exitCode = await runBrokerProcess({ env: process.env, upstream, port });
    });
}

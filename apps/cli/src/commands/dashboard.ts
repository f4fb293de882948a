import type { Command } from "commander";
import { type PoolFeed, UsageError, resolveChatgptBase, storeFeed } from "@prodex/core";
import { connectFeed, connectTeamFeed, findBrokerFeed } from "@prodex/proxy";
import { gatewayTarget } from "../launch/gateway-target.ts";
import { withCli } from "../cli-context.ts";

type DashboardOptions = { baseUrl?: string; gateway?: string };

/**
 * `prodex dashboard` (alias `status`): the pool view alone, full screen. Attached to the running
 * shared broker when there is one (live state, every launch's events, pin and pause for the
 * whole pool), else to the store (every profile's stored usage and backoffs, and the timeline
 * other prodex processes write, read-only). With `--gateway URL`, the team's shared pool through one gateway
 * instance (an admin or viewer key): every instance's events, the instances, the top keys, and for an admin key
 * the pool-wide pin and pause and key revocation.
 */
export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .alias("status")
    .description(
      "the pool view alone: every profile, quota, backoffs and the live event log; " +
        "p: pin the selected profile, s: pause it (no new conversation goes to it) or resume it, " +
        "a: pause auto-rotate, t: requests and tokens per profile and model (q to quit)",
    )
    .option(
      "--base-url <url>",
      "attach to the broker for this ChatGPT base first (default: CODEX_CHATGPT_BASE_URL or ChatGPT)",
    )
    .option(
      "--gateway <url>",
      "the team's shared pool, through this gateway (key: PRODEX_GATEWAY_KEY or gateway login)",
    )
    .action((opts: DashboardOptions) =>
      withCli({}, async ({ ctx, io }) => {
        // The key is checked first: a wrong or user key, or a gateway that does not answer, is one line anywhere.
        const target = opts.gateway ? gatewayTarget(opts.gateway, io.env, ctx.paths.prodexHome) : null;
        const team = target ? await connectTeamFeed(target.url, target.key) : undefined;
        // Loaded only here, and only when it will draw: other commands never pay for the dashboard.
        const { shouldUseTui } = await import("@prodex/tui/should-use-tui");
        if (!shouldUseTui(io.env, process.stdout)) {
          team?.close();
          throw new UsageError(
            "prodex dashboard needs an interactive terminal (stdout is not one, or CI / PRODEX_TUI=0 / TERM=dumb is set)",
            "for scripts: prodex info --json, prodex quota --json, prodex logs --follow",
          );
        }
        const tui = await (await import("@prodex/tui/load")).loadTui();
        const broker = team ? null : await findBrokerFeed(ctx, resolveChatgptBase(opts.baseUrl, io.env));
        const feed: PoolFeed = team ?? (broker ? await connectFeed(broker.endpoints) : storeFeed(ctx));
        try {
          await tui.runPoolView({ feed, team, env: io.env });
        } finally {
          feed.close();
        }
      }),
    );
}

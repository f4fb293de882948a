import type { Command } from "commander";
import { UsageError, parseSince } from "@prodex/core";
import { withCli } from "../../cli-context.ts";
import { gatewayUsageText } from "../../output/gateway-usage-output.ts";
import { DB_FLAG, DB_HELP, gateway, withStore } from "./admin-commands.ts";

type Opts = { by: string; since: string; json?: boolean; csv?: boolean; windows?: boolean; databaseUrl?: string };

/** `prodex gateway usage`: the team's ledger from the database (an operator's view: every key and account). */
export function registerGatewayUsage(gw: Command): void {
  gw.command("usage")
    .description(
      "who used what: requests and tokens per key, account, model, day or client, and each key's share of every account's 5-hour and weekly windows",
    )
    .option("--by <group>", "group by key | account | model | day | client", "key")
    .option("--since <time>", "from this long ago (24h, 7d) or this ISO date", "24h")
    .option("--json", "machine-readable output (schema prodex.gateway-usage/v1)")
    .option("--csv", "CSV: the totals, one row per group (with --windows: one row per account, window and key)")
    .option("--windows", "with --csv: the window shares instead of the totals")
    .option(DB_FLAG, DB_HELP)
    .action((opts: Opts) =>
      withCli({}, async (cli) => {
        if (opts.json && opts.csv) throw new UsageError("--json and --csv cannot be used together", "pick one");
        const g = await gateway();
        const by = g.parseGatewayBy(opts.by);
        const now = Date.now();
        const since = parseSince(opts.since, now);
        const report = await withStore(cli, opts, (_, store) =>
          g.usageReport(store, { by, since, now, asker: "operator" }),
        );
        if (opts.json) return cli.io.out(JSON.stringify(report));
        if (opts.csv) return cli.io.out(g.usageCsv(report, opts.windows === true));
        cli.io.out(gatewayUsageText(report));
      }),
    );
}

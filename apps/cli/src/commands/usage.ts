import type { Command } from "commander";
import {
  UsageError,
  ledgerGrandTotal,
  ledgerTotals,
  parseGatewayBy,
  parseSince,
  totalsCsv,
  usageCsv,
} from "@prodex/core";
import { gatewayUsage } from "@prodex/proxy";
import { type Cli, withCli } from "../cli-context.ts";
import { gatewayTarget } from "../launch/gateway-target.ts";
import { gatewayUsageText } from "../output/gateway-usage-output.ts";
import type { UsageJson } from "../output/schemas/usage.ts";
import { usageText } from "../output/usage-output.ts";

const BY = ["profile", "model", "day", "client", "key"] as const;
type By = (typeof BY)[number];
type UsageOptions = { by?: string; since: string; json?: boolean; csv?: boolean; windows?: boolean; gateway?: string };

function byArg(value: string): By {
  const by = BY.find((b) => b === value);
  if (!by) throw new UsageError(`--by "${value}" is not a grouping`, `use one of ${BY.join(", ")}`);
  return by;
}

export function registerUsage(program: Command): void {
  program
    .command("usage")
    .description(
      "what the pool served, from the usage ledger: requests and tokens per profile, model, day, client or launch",
    )
    .option("--by <group>", `group by ${BY.join(" | ")} (default: profile; with --gateway: key)`)
    .option("--since <time>", "from this long ago (24h, 7d) or this ISO date", "24h")
    .option("--json", "machine-readable output (schema prodex.usage/v1)")
    .option("--csv", "CSV: one row per group, a header first")
    .option(
      "--gateway <url>",
      "your usage through the team gateway (key: PRODEX_GATEWAY_KEY or gateway login); admin/viewer keys: all",
    )
    .option("--windows", "with --gateway --csv (an admin or viewer key): who used each account's windows instead")
    .action((opts: UsageOptions) =>
      withCli({}, (cli) => {
        const { ctx, io } = cli;
        if (opts.json && opts.csv) throw new UsageError("--json and --csv cannot be used together", "pick one");
        if (opts.gateway) return gatewayUsageCommand(cli, opts, opts.gateway);
        if (opts.windows) throw new UsageError("--windows needs --gateway URL --csv", "the windows are the gateway's");
        const by = byArg(opts.by ?? "profile");
        const since = parseSince(opts.since, ctx.now());
        const rows = ctx.store.ledger.since(since);
        const groups = ledgerTotals(rows, by);
        const total = ledgerGrandTotal(rows);
        const sinceIso = new Date(since).toISOString();
        if (opts.json) {
          const out: UsageJson = { schema: "prodex.usage/v1", since: sinceIso, by, groups, total };
          io.out(JSON.stringify(out));
        } else if (opts.csv) io.out(totalsCsv(by, groups));
        else io.out(usageText(by, groups, total, sinceIso));
      }),
    );
}

/** `prodex usage --gateway URL`: the gateway's report for this key (`GET /gateway/v1/usage`), in the same formats. */
async function gatewayUsageCommand(cli: Cli, opts: UsageOptions, url: string): Promise<void> {
  const by = parseGatewayBy(opts.by ?? "key");
  const since = parseSince(opts.since, Date.now());
  const target = gatewayTarget(url, cli.io.env, cli.ctx.paths.prodexHome);
  const report = await gatewayUsage(target.url, target.key, { by, since });
  if (opts.json) cli.io.out(JSON.stringify(report));
  else if (opts.csv) cli.io.out(usageCsv(report, opts.windows === true));
  else cli.io.out(gatewayUsageText(report));
}

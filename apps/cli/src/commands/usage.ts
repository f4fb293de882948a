import type { Command } from "commander";
import { UsageError, ledgerGrandTotal, ledgerTotals, totalsCsv, parseSince } from "@prodex/core";
import { withCli } from "../cli-context.ts";
import type { UsageJson } from "../output/schemas/usage.ts";
import { usageText } from "../output/usage-output.ts";

const BY = ["profile", "model", "day", "client", "key"] as const;
type By = (typeof BY)[number];
type UsageOptions = { by: string; since: string; json?: boolean; csv?: boolean };

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
    .option("--by <group>", `group by ${BY.join(" | ")}`, "profile")
    .option("--since <time>", "from this long ago (24h, 7d) or this ISO date", "24h")
    .option("--json", "machine-readable output (schema prodex.usage/v1)")
    .option("--csv", "CSV: one row per group, a header first")
    .action((opts: UsageOptions) =>
      withCli({}, ({ ctx, io }) => {
        if (opts.json && opts.csv) throw new UsageError("--json and --csv cannot be used together", "pick one");
        const by = byArg(opts.by);
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

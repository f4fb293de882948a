import type { Command } from "commander";
import {
  type QuotaResult,
  UpstreamError,
  aboutProfile,
  currentName,
  getProfile,
  refreshQuotas,
  requireCurrentName,
  resolveChatgptBase,
} from "@prodex/core";
import { type Cli, withCli } from "../cli-context.ts";
import { quotaJson } from "../output/quota-json.ts";
import { renderQuotaText } from "../output/quota-text.ts";
import { failureLine, quotaViews } from "../output/quota-views.ts";

type QuotaOptions = {
  profile?: string;
  all?: boolean;
  detail?: boolean;
  raw?: boolean;
  json?: boolean;
  once?: boolean;
  baseUrl?: string;
};

export function registerQuota(program: Command): void {
  program
    .command("quota")
    .description("show each profile's usage windows and status")
    .option("-p, --profile <name>", "one profile")
    .option("--all", "every profile (default: the current one)")
    .option("--detail", "exact reset times")
    .option("--raw", "print the upstream JSON")
    .option("--json", "machine-readable output (schema prodex.quota/v1)")
    .option("--once", "print once and exit (the default outside a terminal)")
    .option(
      "--base-url <url>",
      "ChatGPT base URL (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .action((opts: QuotaOptions) => withCli({}, (cli) => quota(cli, opts)));
}

function pick(cli: Cli, opts: QuotaOptions) {
  if (opts.profile) return [getProfile(cli.ctx, opts.profile)];
  // An empty pool stops here, saying how to add a profile.
  const current = requireCurrentName(cli.ctx);
  const all = cli.ctx.store.profiles.list();
  return opts.all ? all : all.filter((p) => p.name === current);
}

async function quota(cli: Cli, opts: QuotaOptions): Promise<void> {
  const profiles = pick(cli, opts);
  const base = resolveChatgptBase(opts.baseUrl, cli.io.env);
  if (cli.io.isTTY && !opts.once && !opts.json && !opts.raw) {
    // On a terminal the dashboard's own table (an Ink app, loaded only then), redrawn in place.
    const tui = await (await import("@prodex/tui/load")).loadTui();
    const ascii = tui.detectTheme(cli.io.env).ascii;
    const signal = await tui.watchQuotaTable({
      env: cli.io.env,
      detail: opts.detail ?? false,
      refresh: async () => {
        const results = await refreshQuotas(cli.ctx, profiles, base);
        const now = cli.ctx.now();
        const failures = (width: number) =>
          results.filter((r) => r.error !== null).map((r) => failureLine(r, width, ascii));
        return { profiles: quotaViews(results, currentName(cli.ctx), now), failures, now };
      },
    });
    // Ctrl-C is how the live table ends: 130 like every interrupted command; SIGTERM is a clean stop.
    if (signal === "SIGINT") process.exitCode = 130;
    return;
  }
  const results = await refreshQuotas(cli.ctx, profiles, base);
  const now = cli.ctx.now();
  if (opts.raw) {
    cli.io.out(
      JSON.stringify(
        Object.fromEntries(
          results.map((r) => [r.profile.name, r.raw === null ? { error: r.error } : JSON.parse(r.raw)]),
        ),
        null,
        2,
      ),
    );
  } else if (opts.json) {
    cli.io.out(JSON.stringify(quotaJson(results, currentName(cli.ctx), now)));
  } else {
    cli.io.out(
      renderQuotaText(results, {
        now,
        current: currentName(cli.ctx),
        detail: opts.detail ?? false,
        color: cli.io.color,
      }),
    );
  }
  finish(results);
}

/** Exit 3 when no requested profile could be read at all (after the rows, which say why for each). */
function finish(results: QuotaResult[]): void {
  const first = results[0];
  if (!first?.error || results.some((r) => r.error === null)) return;
  const hint =
    results.length > 1 ? `none of the ${results.length} profiles could be read; each row says why` : undefined;
  throw new UpstreamError(aboutProfile(first.profile.name, first.error), undefined, hint);
}

import type { Command } from "commander";
import { UsageError } from "@prodex/core";
import { createIo } from "../output/io.ts";

type DemoFlags = { headless?: boolean; prompts: number; keep?: boolean; installAgent?: boolean; quiet?: boolean };

function promptsArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw new UsageError(`--prompts must be a whole number from 1 to 50, got "${value}"`);
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("watch the pool work with no accounts: a simulated pool of three, the real Codex CLI, a rotation")
    .option(
      "--headless",
      "no dashboard: send the prompts and print each answer and rotation (the default without a terminal or with CI=true)",
    )
    .option("--prompts <n>", "how many prompts --headless sends", promptsArg, 5)
    .option("--keep", "keep the demo's temporary PRODEX_HOME (to look at with prodex logs)")
    .option("--install-agent", "install the tested Codex CLI into $PRODEX_HOME/agents without asking, if none is found")
    .option("-q, --quiet", "only the answers; no prodex messages on stderr")
    .action(async (opts: DemoFlags) => {
      const io = createIo(process.env, { quiet: opts.quiet });
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ciEnv(io.env);
      // The dashboard needs a terminal both ways; PRODEX_TUI=0, CI or --headless ask for none.
      const { shouldUseTui } = await import("@prodex/tui/should-use-tui");
      const dashboard = !opts.headless && interactive && shouldUseTui(io.env, process.stdout);
      // The mock backend, the proxy and the dashboard load only here, so other commands stay fast.
      const { runDemo } = await import("../demo/run-demo.ts");
      process.exitCode = await runDemo(io, {
        prompts: opts.prompts,
        keep: opts.keep ?? false,
        installAgent: opts.installAgent ?? false,
        interactive,
        dashboard,
      });
    });
}

function ciEnv(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && !["0", "false", "no", "off"].includes(ci.toLowerCase());
}

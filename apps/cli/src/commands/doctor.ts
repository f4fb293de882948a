import type { Command } from "commander";
import { resolveChatgptBase } from "@prodex/core";
import { withCli } from "../cli-context.ts";
import { doctorFailure, doctorJson } from "../ops/doctor/finding.ts";
import { runDoctor } from "../ops/doctor/run-doctor.ts";
import { doctorText } from "../output/doctor-text.ts";

type DoctorOptions = { json?: boolean; baseUrl?: string; offline?: boolean; verbose?: boolean };

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the setup and explain each problem with a one-line fix (exits non-zero on errors)")
    .option("--json", "machine-readable output (schema prodex.doctor/v1)")
    .option(
      "--base-url <url>",
      "ChatGPT base URL to check (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .option("--offline", "skip the upstream reachability check")
    .option("-v, --verbose", "also list every passing check")
    .action((opts: DoctorOptions) =>
      withCli({}, async ({ ctx, io }) => {
        const findings = await runDoctor(ctx, {
          base: resolveChatgptBase(opts.baseUrl, io.env),
          offline: opts.offline ?? false,
        });
        const report = doctorJson(findings, ctx.now());
        io.out(
          opts.json ? JSON.stringify(report) : doctorText(report, { color: io.color, verbose: opts.verbose ?? false }),
        );
        const failure = doctorFailure(findings);
        if (failure) throw failure;
      }),
    );
}

#!/usr/bin/env bun
/**
 * The prodex load harness (issue #8): one scenario against the mock ChatGPT backend, through the
 * real proxy in its own process. Prints the report (or one JSON line with --json) and exits
 * 0 when every threshold held, 1 when one failed (each named on stderr), 2 on a usage error,
 * 3 when the run itself could not be carried out. See docs/load.md.
 *
 *   bun run load --scenario NAME [--requests N] [--concurrency N] [--duration S] [--transport sse|ws] [--quick] [--json]
 */
import { failed } from "./lib/report.ts";
import { reportLines } from "./lib/report-text.ts";
import { USAGE, parseOptions } from "./lib/options.ts";
import { runScenario } from "./lib/run.ts";
import { scenarios } from "./lib/scenarios.ts";

// The team gateway's scenario has a world of its own (two instances, PostgreSQL): tools/load/team/.
const argv = process.argv.slice(2);
const at = argv.indexOf("--scenario");
if (argv[at + 1] === "team" || argv.includes("--scenario=team")) {
  const { runTeam } = await import("./team/team-scenario.ts");
  process.exit(await runTeam(argv));
}

const parsed = parseOptions(argv);
if (!parsed.ok) {
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  process.stderr.write(`load: ${parsed.message}\n${USAGE}\n`);
  process.exit(2);
}
const o = parsed.options;
const status = (line: string) => process.stderr.write(`· ${line}\n`);

let report: Awaited<ReturnType<typeof runScenario>>;
try {
  report = await runScenario(scenarios[o.scenario], o, status);
} catch (error) {
  process.stderr.write(
    `load: the ${o.scenario} run failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(3);
}

if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else process.stdout.write(`${reportLines(report).join("\n")}\n`);
const bad = failed(report.verdicts);
for (const v of bad) process.stderr.write(`load: threshold failed — ${v.name}: ${v.figure} (limit ${v.limit})\n`);
process.exit(bad.length > 0 ? 1 : 0);

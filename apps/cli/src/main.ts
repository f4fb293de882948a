#!/usr/bin/env bun
// The entry stays tiny: `prodex --version` loads only what it prints (no commander program,
// no store, no proxy); everything else is imported when a command runs.
import { isVersionRequest, withDefaultCommand } from "./default-command.ts";

export { withDefaultCommand };

export async function main(argv: string[]): Promise<number> {
  if (isVersionRequest(argv)) {
    const { printVersion } = await import("./commands/version.ts");
    return printVersion({ json: argv.includes("--json"), env: process.env });
  }
  const { runProgram } = await import("./run-program.ts");
  return runProgram(argv);
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));

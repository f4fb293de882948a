#!/usr/bin/env bun
import { ProdexError, errorMessage } from "@prodex/core";
import { StoreError } from "@prodex/store";
import { CommanderError, buildProgram } from "./program.ts";

/** Turns any failure into one clear line on stderr and an exit code; stacks only with PRODEX_DEBUG. */
function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
  if (error instanceof ProdexError) {
    process.stderr.write(`prodex: ${error.message}\n${error.hint ? `  → ${error.hint}\n` : ""}`);
    return error.exitCode;
  }
  if (error instanceof StoreError) {
    process.stderr.write(`prodex: ${error.message}\n`);
    return 4;
  }
  process.stderr.write(`prodex: unexpected error: ${errorMessage(error)}\n`);
  if (process.env.PRODEX_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
  else process.stderr.write("  → rerun with PRODEX_DEBUG=1 for details, and please report it\n");
  return 1;
}

/** Bare `prodex [args]` means `prodex run [args]`. */
export function withDefaultCommand(argv: string[], commands: string[]): string[] {
  const first = argv[0];
  if (first === undefined) return ["run"];
  if (["-h", "--help", "-V", "--version", "help"].includes(first) || commands.includes(first)) return argv;
  return ["run", ...argv];
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const commands = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  try {
    await program.parseAsync(withDefaultCommand(argv, commands), { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    return report(error);
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));

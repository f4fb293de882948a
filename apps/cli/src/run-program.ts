import { ProdexError, errorMessage } from "@prodex/core";
import { StoreError } from "@prodex/store";
import { withDefaultCommand } from "./default-command.ts";
import { CommanderError, buildProgram } from "./program.ts";

/** Turns any failure into one clear line on stderr and an exit code; stacks only with PRODEX_DEBUG. */
export function report(error: unknown): number {
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

/** Parses `argv` with the full commander program and runs the command; resolves with the exit code. */
export async function runProgram(argv: string[]): Promise<number> {
  const program = buildProgram();
  const commands = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  try {
    await program.parseAsync(withDefaultCommand(argv, commands), { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    return report(error);
  }
}

import { ProdexError, databaseBusy, errorMessage, printable } from "@prodex/core";
import { StoreError, isBusy } from "@prodex/store";
import { withDefaultCommand } from "./default-command.ts";
import { CommanderError, buildProgram } from "./program.ts";

/**
 * Turns any failure into one clear line on stderr and an exit code; stacks only with PRODEX_DEBUG.
 * Messages can carry upstream or file text: shown with `printable`, so they stay one line and
 * never drive the terminal.
 */
export function report(
  error: unknown,
  write: (text: string) => void = (text) => void process.stderr.write(text),
): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
  if (error instanceof ProdexError) {
    write(`prodex: ${printable(error.message)}\n${error.hint ? `  → ${printable(error.hint)}\n` : ""}`);
    return error.exitCode;
  }
  // Another process held the write lock past every wait: local state, exit 4, not a bug to report.
  if (isBusy(error)) return report(databaseBusy(error), write);
  if (error instanceof StoreError) {
    write(`prodex: ${printable(error.message)}\n`);
    return 4;
  }
  write(`prodex: unexpected error: ${printable(errorMessage(error))}\n`);
  if (process.env.PRODEX_DEBUG) write(`${error instanceof Error ? error.stack : ""}\n`);
  else write("  → rerun with PRODEX_DEBUG=1 for details, and please report it\n");
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

import { type ParseArgsConfig, parseArgs } from "node:util";

type Flags = { quick?: boolean; strict?: boolean; rounds?: string; help?: boolean };

/**
 * The flags every latency bench takes (`--quick`, `--strict`, `--rounds N`, `-h`) plus its own
 * boolean ones; a bad flag is one line and exit 2, `--help` prints the usage and exits.
 */
export function benchArgs<E extends string = never>(
  name: string,
  usage: string,
  extra: readonly E[] = [],
): { flags: Flags & Partial<Record<E, boolean>>; rounds: number } {
  const options: ParseArgsConfig["options"] = {
    quick: { type: "boolean" },
    strict: { type: "boolean" },
    rounds: { type: "string" },
    help: { type: "boolean", short: "h" },
  };
  for (const e of extra) options[e] = { type: "boolean" };
  let flags: Flags & Partial<Record<E, boolean>>;
  try {
    flags = parseArgs({ options, strict: true }).values as typeof flags;
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const rounds = flags.rounds ? Number(flags.rounds) : flags.quick ? 60 : 600;
  if (!Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write(`${name}: --rounds must be an integer >= 1, got "${flags.rounds}"\n${usage}\n`);
    process.exit(2);
  }
  return { flags, rounds };
}

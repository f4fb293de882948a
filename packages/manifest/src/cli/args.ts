import { availableParallelism } from "node:os";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A user mistake on the command line: printed as one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const common = {
  root: { type: "string" },
  manifest: { type: "string" },
  ci: { type: "string" },
} satisfies Options;

export function parse<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false, allowNegative: true }).values;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new UsageError(`${command}: ${msg}`);
  }
}

export function intOption(value: string | undefined, name: string, fallback: number, min = 1, max = 256): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

export function oneOf<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const hit = allowed.find((a) => a === value);
  if (!hit) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  return hit;
}

export function defaultJobs(): number {
  return availableParallelism();
}

/** Prebuild: on locally, off when CI=true, unless --prebuild / --no-prebuild says otherwise. */
export function wantPrebuild(flag: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (flag !== undefined) return flag;
  return env.CI !== "true" && env.CI !== "1";
}

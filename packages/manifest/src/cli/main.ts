#!/usr/bin/env bun
import { ManifestError } from "../schema.ts";
import { UsageError } from "./args.ts";
import { benchCommand } from "./bench-cmd.ts";
import { guardCommand, type Print } from "./guard-cmd.ts";
import {
  allCommand,
  envParallelCommand,
  fastCommand,
  runtimeShardCommand,
  serialCommand,
  stressCommand,
} from "./lanes-cmd.ts";
import { seedCommand } from "./seed-cmd.ts";

const commands: Record<string, (argv: string[], print: Print) => Promise<number>> = {
  guard: guardCommand,
  all: allCommand,
  fast: fastCommand,
  serial: serialCommand,
  "runtime-shard": runtimeShardCommand,
  stress: stressCommand,
  "env-parallel": envParallelCommand,
  bench: benchCommand,
  "timings-seed": seedCommand,
};

const usage = `usage: bun packages/manifest/src/cli/main.ts <${Object.keys(commands).join("|")}> [options]   (see docs/testing.md)`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const cmd = name ? commands[name] : undefined;
  if (!cmd) {
    console.error(name ? `unknown command "${name}"; ${usage}` : usage);
    return 2;
  }
  // `bun run test -- --jobs 2` forwards a literal "--".
  const args = rest.filter((a) => a !== "--");
  try {
    return await cmd(args, (line) => console.log(line));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ManifestError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));

import { resolve } from "node:path";
import { findRoot } from "../load.ts";
import { loadTimings, saveTimings, seedTimingsPath, timingsPath } from "../plan/timings.ts";
import { UsageError, parse } from "./args.ts";
import type { Print } from "./guard-cmd.ts";

/**
 * `bun run test:timings-seed`: this checkout's recorded timings become the committed seed that
 * fresh clones (CI) balance their shards by. Run it after a full `bun run test` on a CI-like machine.
 */
export async function seedCommand(argv: string[], print: Print): Promise<number> {
  const values = parse(argv, { root: { type: "string" } }, "test:timings-seed");
  const root = values.root ? resolve(values.root) : await findRoot(process.cwd());
  const recorded = await loadTimings(timingsPath(root));
  if (recorded.size === 0)
    throw new UsageError(`test:timings-seed: no recorded timings in ${timingsPath(root)}; run bun run test first`);
  await saveTimings(seedTimingsPath(root), recorded, new Set(recorded.keys()));
  const total = [...recorded.values()].reduce((a, b) => a + b, 0);
  print(`timings seed: ${recorded.size} files, ${(total / 1000).toFixed(0)} s of tests → ${seedTimingsPath(root)}`);
  return 0;
}

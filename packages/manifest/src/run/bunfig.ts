import { join } from "node:path";
import { z } from "zod";

const Bunfig = z
  .object({ test: z.object({ timeout: z.number().int().positive().optional() }).loose().optional() })
  .loose();

/**
 * The per-test timeout from the root bunfig.toml (`[test] timeout`). Bun 1.4.4's `bun test`
 * ignores that key (tests still time out at 5 s), so the runner passes it as `--timeout`.
 */
export async function bunfigTimeout(root: string): Promise<number | undefined> {
  const file = Bun.file(join(root, "bunfig.toml"));
  if (!(await file.exists())) return undefined;
  try {
    const parsed = Bunfig.safeParse(Bun.TOML.parse(await file.text()));
    return parsed.success ? parsed.data.test?.timeout : undefined;
  } catch {
    return undefined;
  }
}

import { mkdir, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";

/** Per-file durations (ms) from earlier runs; gitignored under .artifacts/. */
const Timings = z.object({ version: z.literal(1), files: z.record(z.string(), z.number().nonnegative()) });

export function timingsPath(root: string): string {
  return join(root, ".artifacts", "timings.json");
}

/**
 * Committed timings from a CI-like machine: what a fresh clone (CI) balances by before it has
 * recorded its own. Refresh it with `bun run test:timings-seed` after a full run.
 */
export function seedTimingsPath(root: string): string {
  return join(root, "packages", "manifest", "timings.seed.json");
}

/** The seed, with this checkout's own recorded timings over it. */
export async function balancingTimings(root: string): Promise<Map<string, number>> {
  const merged = await loadTimings(seedTimingsPath(root));
  for (const [f, ms] of await loadTimings(timingsPath(root))) merged.set(f, ms);
  return merged;
}

/** Recorded timings, or none when the file is missing or unreadable (it is only a hint). */
export async function loadTimings(path: string): Promise<Map<string, number>> {
  const f = Bun.file(path);
  if (!(await f.exists())) return new Map();
  const parsed = Timings.safeParse(await f.json().catch(() => null));
  return parsed.success ? new Map(Object.entries(parsed.data.files)) : new Map();
}

/** Merges new measurements over old ones and writes atomically (tmp + rename). */
export async function saveTimings(
  path: string,
  measured: ReadonlyMap<string, number>,
  existing: ReadonlySet<string>,
): Promise<void> {
  if (measured.size === 0) return;
  const old = await loadTimings(path);
  const files: Record<string, number> = {};
  for (const [f, ms] of old) if (existing.has(f)) files[f] = ms;
  for (const [f, ms] of measured) files[f] = Math.round(ms);
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await Bun.write(tmp, `${JSON.stringify({ version: 1, files: sorted }, null, 2)}\n`);
  await rename(tmp, path);
}

export async function fileSizes(root: string, files: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(files.map(async (f) => out.set(f, (await stat(join(root, f)).catch(() => ({ size: 0 }))).size)));
  return out;
}

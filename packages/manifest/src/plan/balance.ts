/** Expected cost of a file, in ms. */
export type Weights = ReadonlyMap<string, number>;

/** Fixed cost of a file beyond its tests (module load), when nothing better is known. */
const perFileMs = 15;

/**
 * Weighs files by recorded durations; files without one get their size times the
 * ms-per-byte seen on recorded files (or 1 ms per KiB when none is recorded yet).
 */
export function estimateWeights(
  sizes: ReadonlyMap<string, number>,
  timings: ReadonlyMap<string, number>,
): Map<string, number> {
  const ratios: number[] = [];
  for (const [f, ms] of timings) {
    const size = sizes.get(f);
    if (size && size > 0) ratios.push(ms / size);
  }
  ratios.sort((a, b) => a - b);
  const perByte = ratios.length > 0 ? (ratios[Math.floor(ratios.length / 2)] ?? 1 / 1024) : 1 / 1024;
  const out = new Map<string, number>();
  for (const [f, size] of sizes) out.set(f, timings.get(f) ?? perFileMs + size * perByte);
  return out;
}

/**
 * Longest-processing-time-first packing into at most `bins` groups: heaviest file to the
 * lightest bin. `reserved` is work already bound for the same slots (the runtime shards share
 * the pool), so the groups come out balanced with it. Deterministic (ties by path).
 */
export function balance(
  files: readonly string[],
  weights: Weights,
  bins: number,
  reserved: readonly number[] = [],
): string[][] {
  const n = Math.max(1, Math.min(bins, files.length + reserved.length));
  const groups = Array.from({ length: n }, () => ({ files: [] as string[], total: 0 }));
  const lightest = () => groups.reduce((best, g) => (g.total < best.total ? g : best));
  for (const w of [...reserved].sort((a, b) => b - a)) lightest().total += w;
  const sorted = [...files].sort((a, b) => (weights.get(b) ?? 0) - (weights.get(a) ?? 0) || a.localeCompare(b));
  for (const f of sorted) {
    const g = lightest();
    g.files.push(f);
    g.total += weights.get(f) ?? 0;
  }
  return groups.filter((g) => g.files.length > 0).map((g) => g.files.sort());
}

export function totalWeight(files: readonly string[], weights: Weights): number {
  return files.reduce((s, f) => s + (weights.get(f) ?? 0), 0);
}

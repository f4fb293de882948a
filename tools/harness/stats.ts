// Order statistics for latency samples (pure).

export type Summary = { n: number; p50: number; p99: number; max: number; mean: number };

/** Nearest-rank percentile of an ascending array (`p` in 0..1); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** What `variant` adds over `base` at each percentile (quantile difference, not a paired one). */
export function added(variant: Summary, base: Summary): { p50: number; p99: number } {
  return { p50: variant.p50 - base.p50, p99: variant.p99 - base.p99 };
}

// Driving the variants fairly: the same work, interleaved so drift (thermal, other processes,
// GC in the mock) lands on every variant alike.
import type { Sample } from "../../harness/sse-client.ts";

/** One request (or websocket turn) on behalf of `worker` (0..concurrency-1). */
export type Variant = { name: string; run: (worker: number) => Promise<Sample> };

export type Collected = {
  ttfb: number[];
  total: number[];
  errors: number;
  firstError: string | null;
  /** Wall time spent on this variant's batches (throughput phases only). */
  wallMs: number;
};

const empty = (): Collected => ({ ttfb: [], total: [], errors: 0, firstError: null, wallMs: 0 });

/** Round r runs the variants in rotated order, so each takes each position equally often. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

async function once(v: Variant, worker: number, into: Collected): Promise<void> {
  try {
    const s = await v.run(worker);
    into.ttfb.push(s.ttfb);
    into.total.push(s.total);
  } catch (error) {
    into.errors++;
    into.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

/** Concurrency 1, interleaved request by request: direct, floor, prodex, then rotated. */
export async function interleaved(variants: readonly Variant[], rounds: number): Promise<Map<string, Collected>> {
  const out = new Map(variants.map((v) => [v.name, empty()]));
  for (let r = 0; r < rounds; r++) {
    for (const v of rotated(variants, r)) await once(v, 0, out.get(v.name) as Collected);
  }
  return out;
}

/** `count` requests with `concurrency` workers each keeping one request in flight. */
async function batch(v: Variant, count: number, concurrency: number, into: Collected): Promise<void> {
  let left = count;
  const worker = async (w: number) => {
    while (left > 0) {
      left--;
      await once(v, w, into);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  into.wallMs += performance.now() - t0;
}

/** Throughput: each round runs one batch per variant (rotated order); req/s = requests / batch wall time. */
export async function batched(
  variants: readonly Variant[],
  rounds: number,
  size: number,
  concurrency: number,
): Promise<Map<string, Collected>> {
  const out = new Map(variants.map((v) => [v.name, empty()]));
  for (let r = 0; r < rounds; r++) {
    for (const v of rotated(variants, r)) await batch(v, size, concurrency, out.get(v.name) as Collected);
  }
  return out;
}

/** Unmeasured requests: JIT, connection pools and caches warm on every side. */
export async function warm(variants: readonly Variant[], count: number, concurrency: number): Promise<Collected> {
  const sink = empty();
  for (const v of variants) await batch(v, count, concurrency, sink);
  return sink;
}

export const throughput = (c: Collected): number => (c.wallMs > 0 ? (c.total.length * 1000) / c.wallMs : Number.NaN);

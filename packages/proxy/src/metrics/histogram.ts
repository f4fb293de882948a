import { seriesKey } from "./labeled-counter.ts";
import type { Sample } from "./prometheus-text.ts";

type Series = { labels: Record<string, string>; counts: number[]; sum: number; count: number };

/**
 * A Prometheus histogram over fixed bucket bounds, one per label set. An observation bumps the one bucket it
 * falls in (a scan of the few fixed bounds: O(1)); the cumulative counts the format wants are summed at scrape.
 */
export class Histogram {
  private readonly series = new Map<string, Series>();

  constructor(readonly bounds: readonly number[]) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.bounds.findIndex((le) => value <= le);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }

  samples(): Sample[] {
    return [...this.series.values()].flatMap((s) => {
      let cumulative = 0;
      const buckets = this.bounds.map((le, i): Sample => {
        cumulative += s.counts[i] ?? 0;
        return { suffix: "_bucket", labels: { ...s.labels, le: String(le) }, value: cumulative };
      });
      return [
        ...buckets,
        { suffix: "_bucket", labels: { ...s.labels, le: "+Inf" }, value: s.count },
        { suffix: "_sum", labels: s.labels, value: s.sum },
        { suffix: "_count", labels: s.labels, value: s.count },
      ];
    });
  }
}

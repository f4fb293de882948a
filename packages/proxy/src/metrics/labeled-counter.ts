import type { Sample } from "./prometheus-text.ts";

/**
 * One counter per label set, found by a map lookup: O(1) per observation whatever the number of series.
 * A collector passes its labels in the same order every time, so their values alone key the series.
 */
export class LabeledCounter {
  private readonly series = new Map<string, Sample>();

  add(labels: Record<string, string>, by = 1): void {
    const key = Object.values(labels).join("\u0000");
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  samples(): Sample[] {
    return [...this.series.values()];
  }
}

import type { Sample } from "./prometheus-text.ts";

/** A series' map key: its label values (a collector passes its labels in the same order every time). */
export const seriesKey = (labels: Record<string, string>): string => Object.values(labels).join("\u0000");

/** One counter per label set, found by a map lookup: O(1) per observation whatever the number of series. */
export class LabeledCounter {
  private readonly series = new Map<string, Sample>();

  add(labels: Record<string, string>, by = 1): void {
    const key = seriesKey(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  samples(): Sample[] {
    return [...this.series.values()];
  }
}

import { type Summary, summarize } from "../../harness/stats.ts";
import type { Collected, Variant } from "./phases.ts";

export const ms = (v: number): string => `${v.toFixed(2)}`.padStart(8);

/** The per-variant latency table of an interleaved run, and each variant's total-time summary. */
export function latencyTable(
  variants: readonly Variant[],
  results: Map<string, Collected>,
  width: number,
): { text: string; totals: Map<string, Summary> } {
  let text = `\n${"variant".padEnd(width)}${"ttfb p50".padStart(10)}${"ttfb p99".padStart(10)}${"total p50".padStart(11)}${"total p99".padStart(11)}  errors\n`;
  const totals = new Map<string, Summary>();
  for (const v of variants) {
    const c = results.get(v.name) as Collected;
    const ttfb = summarize(c.ttfb);
    const total = summarize(c.total);
    totals.set(v.name, total);
    text += `${v.name.padEnd(width)}${ms(ttfb.p50)}  ${ms(ttfb.p99)}  ${ms(total.p50)}   ${ms(total.p99)}   ${c.errors}${c.firstError ? ` (${c.firstError})` : ""}\n`;
  }
  return { text, totals };
}

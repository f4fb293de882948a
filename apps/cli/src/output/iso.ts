/** Epoch ms as the ISO 8601 text the `--json` schemas use (null stays null). Times for people: core's text/durations.ts. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Epoch ms to the second, for tables ("-" for none). */
export const when = (ms: number | null): string =>
  ms === null ? "-" : new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

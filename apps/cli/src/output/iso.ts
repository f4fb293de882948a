/** Epoch ms as the ISO 8601 text the `--json` schemas use (null stays null). Times for people: core's text/durations.ts. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

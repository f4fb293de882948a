import { type Agent, type Range, SUPPORTED } from "@prodex/core";
import { compareVersions } from "./version-order.ts";

// What to tell a user whose client is inside or outside the supported range (declared once, in
// core's compat/supported-versions.json).

export { type Agent, type Range, SUPPORTED };

/** "0.169.0–0.171.0" (or the one version when both ends are the same). */
export function rangeLabel(r: { oldest: string; newest: string }): string {
  return r.oldest === r.newest ? r.oldest : `${r.oldest}–${r.newest}`;
}

/** The README's line naming the ranges (compat:add rewrites it; a test keeps it true). */
export function readmeRangeLine(ranges: Readonly<Record<Agent, Range>> = SUPPORTED): string {
  return `Supported clients: ${ranges.codex.name} ${rangeLabel(ranges.codex)}, ${ranges.claude.name} ${rangeLabel(ranges.claude)}.`;
}

export type Verdict = "inside" | "older" | "newer" | "unknown";

/** Where an installed version stands against the supported range (unknown: not x.y.z). */
export function versionVerdict(version: string, r: Range): Verdict {
  const low = compareVersions(version, r.oldest);
  const high = compareVersions(version, r.newest);
  if (low === null || high === null) return "unknown";
  if (low < 0) return "older";
  return high > 0 ? "newer" : "inside";
}

export type RangeNote = { verdict: Verdict; message: string; fix: string | null };

/**
 * What prodex says about a client version. Outside the range it names the range; a newer client
 * is not told to downgrade (it most likely works: it is only untested), only what to do if it
 * misbehaves; an older one is told to update, since prodex relies on what the oldest does.
 */
export function rangeNote(agent: Agent, version: string, source?: string): RangeNote {
  const r = SUPPORTED[agent];
  const range = rangeLabel(r);
  const what = `${r.name} ${version}${source ? ` (${source})` : ""}`;
  const bin = `PRODEX_${agent.toUpperCase()}_BIN`;
  const verdict = versionVerdict(version, r);
  switch (verdict) {
    case "inside":
      return { verdict, message: `${r.name} ${version} (${source ? `${source}; ` : ""}supported ${range})`, fix: null };
    case "older":
      return {
        verdict,
        message: `${what} is older than prodex supports (${range})`,
        fix: `update it: npm i -g ${r.package}@${r.newest}, or point ${bin} at a supported one`,
      };
    case "newer":
      return {
        verdict,
        message: `${what} is newer than prodex has tested (${range}); it most likely works`,
        fix: `if something misbehaves, report it to prodex and meanwhile point ${bin} at ${r.package}@${r.newest}, the newest tested`,
      };
    default:
      return {
        verdict,
        message: `${what} has a version prodex cannot compare ("${version}"; supported ${range})`,
        fix: null,
      };
  }
}

/** At launch: one warning line when the client found is outside its supported range. */
export function warnOutsideRange(io: { warn: (text: string) => void }, agent: Agent, version: string | null): void {
  if (!version) return;
  const note = rangeNote(agent, version);
  if (note.verdict === "older" || note.verdict === "newer")
    io.warn(note.fix ? `${note.message} — ${note.fix}` : note.message);
}

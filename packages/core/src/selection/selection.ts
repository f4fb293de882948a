import type { QuotaStatus, UsageWindow } from "../quota/types.ts";
import { effectiveUsed, quotaStatus } from "../quota/windows.ts";
import { type Paused, availability, unavailableWhy } from "../pool/availability.ts";

// Which profile serves next. Pure: the caller gathers snapshots, backoffs and the current
// profile; this ranks, decides, and explains itself in one line (the event text).

export type Candidate = {
  name: string;
  windows: UsageWindow[];
  /** false when the profile has no usable ChatGPT login or its refresh token is dead. */
  usable: boolean;
  backoffUntil: number | null;
  backoffReason?: string | null;
  lastSelectedAt: number | null;
  /** 0..1, lowered by recent transient failures and recovered by successes (default 1). */
  health?: number;
  /** Taken out of the pool by its operator: never picked for new work (availability.ts). */
  paused?: Paused | null;
};

export type SelectionInput = {
  candidates: readonly Candidate[];
  current: string | null;
  now: number;
  /** A pinned profile is used whenever it can serve. */
  pinned?: string | null;
  exclude?: ReadonlySet<string>;
  /** Keep the current profile while its pressure is within this fraction of the best. */
  stickiness?: number;
  /** Pressures within this fraction count as equal (then the least recently selected wins). */
  tie?: number;
};

export type Ranked = { name: string; pressure: number; status: QuotaStatus };
export type Skipped = { name: string; why: string; until: number | null };

export type Selection =
  | { choice: string; reason: string; ranked: Ranked[]; skipped: Skipped[] }
  | { choice: null; reason: string; earliestReset: number | null; ranked: []; skipped: Skipped[] };

/** Plain code-unit order: deterministic ties without the cost of locale collation. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const WEIGHT: Record<UsageWindow["label"], number> = { "5h": 1, weekly: 2, other: 1 };
const DEFAULT_WINDOW_SECONDS: Record<UsageWindow["label"], number> = { "5h": 18_000, weekly: 604_800, other: 18_000 };
/** What a never-fetched profile is assumed to look like: both windows half used, half through. */
export const UNKNOWN_PRESSURE = WEIGHT["5h"] + WEIGHT.weekly;

/**
 * Time to reset (as a fraction of the window) over remaining quota (as a fraction), summed
 * over the main limit's windows with the weekly one weighted double. Low = spend this one.
 */
export function pressure(windows: UsageWindow[], now: number): number {
  const main = windows.filter((w) => w.limit === "codex");
  if (main.length === 0) return UNKNOWN_PRESSURE;
  let total = 0;
  for (const w of main) {
    const remaining = Math.max(100 - effectiveUsed(w, now), 0.5) / 100;
    const length = (w.windowSeconds ?? DEFAULT_WINDOW_SECONDS[w.label]) * 1000;
    const toReset =
      w.resetAt === null || w.resetAt <= now ? 0.5 : Math.min(Math.max((w.resetAt - now) / length, 0.01), 1);
    total += (WEIGHT[w.label] * toReset) / remaining;
  }
  return total;
}

function skipReason(c: Candidate, now: number, exclude?: ReadonlySet<string>): Skipped | null {
  if (exclude?.has(c.name)) return { name: c.name, why: "already tried", until: null };
  const a = availability(c, now);
  return a.ok ? null : { name: c.name, why: unavailableWhy(a), until: a.until };
}

export function select(input: SelectionInput): Selection {
  const { now } = input;
  const stickiness = input.stickiness ?? 0.2;
  const tie = input.tie ?? 0.05;
  const skipped: Skipped[] = [];
  const ranked: (Ranked & { lastSelectedAt: number | null })[] = [];
  for (const c of input.candidates) {
    const skip = skipReason(c, now, input.exclude);
    if (skip) {
      skipped.push(skip);
      continue;
    }
    // An unhealthy account looks proportionally more pressed, so healthy ones are tried first.
    const p = pressure(c.windows, now) / Math.max(c.health ?? 1, 0.2);
    ranked.push({ name: c.name, pressure: p, status: quotaStatus(c.windows, now), lastSelectedAt: c.lastSelectedAt });
  }
  const skippedText = skipped.length ? `; skipped ${skipped.map((s) => `${s.name} (${s.why})`).join(", ")}` : "";

  if (ranked.length === 0) {
    const resets = skipped.map((s) => s.until).filter((u): u is number => u !== null);
    const earliestReset = resets.length ? Math.min(...resets) : null;
    const reason = input.candidates.length === 0 ? "no profiles configured" : `no profile can serve${skippedText}`;
    return { choice: null, reason, earliestReset, ranked: [], skipped };
  }

  ranked.sort((a, b) => a.pressure - b.pressure || byName(a.name, b.name));
  const best = ranked[0] as (typeof ranked)[number];
  const out = ranked.map(({ name, pressure: p, status }) => ({ name, pressure: p, status }));
  const fmt = (p: number) => p.toFixed(2);

  const pinned = input.pinned ? ranked.find((r) => r.name === input.pinned) : undefined;
  if (pinned) return { choice: pinned.name, reason: `pinned ${pinned.name}${skippedText}`, ranked: out, skipped };

  const current = input.current ? ranked.find((r) => r.name === input.current) : undefined;
  if (current && current.pressure <= best.pressure * (1 + stickiness)) {
    const why =
      current === best
        ? "lowest pressure"
        : `within ${Math.round(stickiness * 100)}% of best ${best.name} (${fmt(current.pressure)} vs ${fmt(best.pressure)})`;
    return { choice: current.name, reason: `kept ${current.name}: ${why}${skippedText}`, ranked: out, skipped };
  }

  // Near-equal candidates: spread the load, least recently selected first (never selected = oldest).
  const near = ranked.filter((r) => r.pressure <= best.pressure * (1 + tie));
  near.sort(
    (a, b) => (a.lastSelectedAt ?? -1) - (b.lastSelectedAt ?? -1) || a.pressure - b.pressure || byName(a.name, b.name),
  );
  const pick = near[0] as (typeof near)[number];
  const left = pick.status === "unknown" ? "quota unknown" : `${pick.status}, pressure ${fmt(pick.pressure)}`;
  const from = input.current && input.current !== pick.name ? ` instead of ${input.current}` : "";
  const tieText = near.length > 1 ? ", least recently used of equals" : "";
  return {
    choice: pick.name,
    reason: `picked ${pick.name}${from}: ${left}${tieText}${skippedText}`,
    ranked: out,
    skipped,
  };
}

// The load scenarios: what the mock does, what the clients do, how big a run is (full and
// --quick), and the thresholds that fail it. Data only; run.ts plays them.
import type { MockSetup } from "./backend.ts";

export const SCENARIOS = [
  "baseline",
  "slow-client",
  "slow-upstream",
  "long-stream",
  "stress",
  "spike",
  "abort-soak",
  "rotation-storm",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export type Size = { requests: number; concurrency: number; durationSec: number };

/** A stretch of the run at one concurrency (spike has three). */
export type Phase = { name: string; concurrency: number; requests: number };

export type Thresholds = {
  /** Client-visible failures over requests (aborts on purpose are not failures). null: not a goal here. */
  maxErrorRate: number | null;
  /** Latency goals; enforced on full runs only (--quick is a smoke run, not a measurement). */
  maxP99Ms: number | null;
  maxTtfbP99Ms: number | null;
  /** RSS after the run (and a GC settle) over RSS before it, in percent. */
  maxRssGrowthPct: number | null;
  /** Slow clients: RSS growth (after a GC) while they all sit on unread answers, as a share of those answers' bytes. */
  maxHeldShareOfInFlight: number | null;
  maxOrderViolations: number;
  maxIncomplete: number;
  /** Failures while the mock had an account that could serve. */
  maxErrorsWhileReady: number;
  /** The mock has no stream left open once the clients are gone (the target aborted upstream). */
  zeroActiveStreams: boolean;
  /** The run ended because every account ran out (not because it hit a bound). */
  allExhausted: boolean;
};

export type Scenario = {
  name: ScenarioName;
  summary: string;
  mock: Omit<MockSetup, "reply" | "accounts"> & { accounts: number };
  full: Size;
  quick: Size;
  /** Concurrency schedule; default: one phase at the size's concurrency. */
  phases?: (size: Size) => Phase[];
  /** Share of requests sent to Claude Code's /v1/messages (the rest go to Codex's /responses). */
  claudeShare: number;
  /** Share of requests that first queue a 429 rate limit on the account serving now. */
  rateLimitShare: number;
  /** Unmeasured requests before the memory baseline (full, quick); `abortShare` of them cancelled. */
  warmup: [number, number];
  /** Share of measured requests the client cancels mid-answer. */
  abortShare: number;
  /** Slow clients: read no faster than this many KiB/s (full, quick). */
  drainKiBPerSec: [number, number] | null;
  /** Slow clients: after the first bytes, read nothing for this many ms (full, quick). */
  stallMs: [number, number] | null;
  /** Stop as soon as no account can serve (the storm's end). */
  untilAllExhausted: boolean;
  thresholds: Thresholds;
};

const calm = { error: 0, quota: 0, seed: 7 };
const fast = (chunks: number, chunkSize: number, chunkDelayMs = 0) => ({
  chunks,
  chunkSize,
  firstByteDelayMs: 0,
  chunkDelayMs,
  jitterMs: 0,
});
const base: Thresholds = {
  maxErrorRate: 0,
  maxP99Ms: null,
  maxTtfbP99Ms: null,
  maxRssGrowthPct: null,
  maxHeldShareOfInFlight: null,
  maxOrderViolations: 0,
  maxIncomplete: 0,
  maxErrorsWhileReady: 0,
  zeroActiveStreams: true,
  allExhausted: false,
};
const plain = {
  claudeShare: 0,
  rateLimitShare: 0,
  abortShare: 0,
  drainKiBPerSec: null,
  stallMs: null,
  untilAllExhausted: false,
};

export const scenarios: Record<ScenarioName, Scenario> = {
  baseline: {
    name: "baseline",
    summary: "steady Codex and Claude traffic over a healthy pool",
    mock: { accounts: 4, costPercent: 0, usedPercent: [], stream: fast(16, 24), rates: calm },
    full: { requests: 120, concurrency: 8, durationSec: 60 },
    quick: { requests: 40, concurrency: 4, durationSec: 30 },
    ...plain,
    claudeShare: 0.25,
    warmup: [16, 8],
    thresholds: { ...base, maxP99Ms: 1_000, maxTtfbP99Ms: 1_000, maxRssGrowthPct: 50 },
  },
  "slow-client": {
    name: "slow-client",
    summary:
      "clients that stop reading 48 × 16 KiB answers, then drain them slowly: the proxy must not hold what they leave unread",
    mock: { accounts: 4, costPercent: 0, usedPercent: [], stream: fast(48, 16 * 1024), rates: calm },
    full: { requests: 32, concurrency: 16, durationSec: 120 },
    quick: { requests: 8, concurrency: 8, durationSec: 60 },
    ...plain,
    warmup: [4, 2],
    drainKiBPerSec: [1024, 2048],
    // Long enough for the target to push what it can into socket buffers and go idle.
    stallMs: [6_000, 5_000],
    thresholds: { ...base, maxHeldShareOfInFlight: 0.25 },
  },
  "slow-upstream": {
    name: "slow-upstream",
    summary: "an upstream slow to start and slow to stream (1.5 s to first byte, 100 ms a delta)",
    mock: {
      accounts: 4,
      costPercent: 0,
      usedPercent: [],
      stream: { chunks: 16, chunkSize: 24, firstByteDelayMs: 1_500, chunkDelayMs: 100, jitterMs: 50 },
      rates: calm,
    },
    full: { requests: 48, concurrency: 16, durationSec: 120 },
    quick: { requests: 16, concurrency: 8, durationSec: 60 },
    ...plain,
    warmup: [4, 2],
    // The upstream alone takes 1.5 s + 16 × 100–150 ms ≈ 3.1–3.9 s.
    thresholds: { ...base, maxP99Ms: 6_000, maxTtfbP99Ms: 3_000 },
  },
  "long-stream": {
    name: "long-stream",
    summary: "64 ordered deltas per answer, checked for order and completeness at the client",
    mock: {
      accounts: 4,
      costPercent: 0,
      usedPercent: [],
      stream: { chunks: 64, chunkSize: 32, firstByteDelayMs: 0, chunkDelayMs: 5, jitterMs: 5 },
      rates: calm,
    },
    full: { requests: 120, concurrency: 8, durationSec: 120 },
    quick: { requests: 24, concurrency: 4, durationSec: 60 },
    ...plain,
    warmup: [8, 4],
    thresholds: { ...base, maxP99Ms: 3_000 },
  },
  stress: {
    name: "stress",
    summary:
      "4 profiles, random usage limits (429 usage_limit_reached) and rate limits (429, retry-after 1 s): no client error while an account is ready",
    mock: {
      accounts: 4,
      costPercent: 0,
      usedPercent: [],
      stream: fast(16, 24, 2),
      rates: { error: 0, quota: 0.005, seed: 11 },
    },
    full: { requests: 600, concurrency: 16, durationSec: 120 },
    quick: { requests: 120, concurrency: 8, durationSec: 60 },
    ...plain,
    claudeShare: 0.2,
    rateLimitShare: 0.05,
    warmup: [0, 0],
    untilAllExhausted: true,
    thresholds: { ...base, maxErrorRate: null, maxP99Ms: 5_000 },
  },
  spike: {
    name: "spike",
    summary: "concurrency jumping 1 → 64 → 1",
    mock: { accounts: 4, costPercent: 0, usedPercent: [], stream: fast(16, 24, 2), rates: calm },
    full: { requests: 680, concurrency: 64, durationSec: 120 },
    quick: { requests: 148, concurrency: 32, durationSec: 60 },
    phases: (s) => {
      const edge = Math.max(1, Math.round(s.requests / 34));
      return [
        { name: "c=1 before", concurrency: 1, requests: edge },
        { name: `c=${s.concurrency}`, concurrency: s.concurrency, requests: Math.max(1, s.requests - 2 * edge) },
        { name: "c=1 after", concurrency: 1, requests: edge },
      ];
    },
    ...plain,
    warmup: [16, 8],
    thresholds: { ...base, maxP99Ms: 5_000, maxRssGrowthPct: 50 },
  },
  "abort-soak": {
    name: "abort-soak",
    summary: "thousands of streams cancelled mid-answer: memory must come back and the proxy must abort upstream",
    mock: { accounts: 4, costPercent: 0, usedPercent: [], stream: fast(32, 24, 3), rates: calm },
    full: { requests: 3_000, concurrency: 32, durationSec: 300 },
    quick: { requests: 300, concurrency: 16, durationSec: 60 },
    ...plain,
    warmup: [400, 150],
    abortShare: 1,
    thresholds: { ...base, maxRssGrowthPct: 20 },
  },
  "rotation-storm": {
    name: "rotation-storm",
    summary: "every account runs out in turn while 8 streams run: no client error while any account is ready",
    mock: { accounts: 4, costPercent: 2, usedPercent: [0, 10, 20, 30], stream: fast(16, 24, 5), rates: calm },
    full: { requests: 2_000, concurrency: 8, durationSec: 180 },
    quick: { requests: 400, concurrency: 8, durationSec: 60 },
    ...plain,
    warmup: [0, 0],
    untilAllExhausted: true,
    thresholds: { ...base, maxErrorRate: null, allExhausted: true },
  },
};

/** Per-completion cost for --quick storms: accounts run out in ~10 answers each instead of ~50. */
export const QUICK_STORM_COST = 10;

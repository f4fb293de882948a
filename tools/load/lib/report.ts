// The report of one run (what --json prints, one line) and the verdicts that decide the exit code.
import type { LogSummary } from "./runtime-log.ts";
import type { Metrics } from "./metrics.ts";
import type { Phase, ScenarioName, Thresholds } from "./scenarios.ts";
import type { Transport } from "./types.ts";

export const SCHEMA = "prodex.load/v1";

export type PoolFigures = {
  /** Requests moved from one account to another before commit (`rotation` events). */
  rotations: number;
  /** Extra attempts (runtime log: attempts − 1 summed); null without a log to read. */
  retries: number | null;
  /** Accounts backed off, by reason (`backoff` events: quota, transient, overload, auth). */
  backoffs: Record<string, number>;
  /** Which profile served new work, in order (`profile.selected` events), with why. */
  sequence: { at: number; profile: string; reason: string }[];
  /** The pool after the run (`__prodex/state`). */
  profiles: { name: string; requests: number; errors: number; status: string; backoff: string | null }[];
  log: LogSummary | null;
};

export type AccountFigures = {
  id: string;
  profile: string;
  exhausted: boolean;
  usedPercent: number;
  requests: number;
  completed: number;
  limited: number;
  errors: number;
};

export type Memory = {
  /** VmRSS in MiB: after warm-up and a GC settle, the highest seen during the run, and after the run and another settle. */
  beforeMb: number | null;
  peakMb: number | null;
  afterMb: number | null;
  growthPct: number | null;
  peakGrowthMb: number | null;
  /** (after − before) spread over the measured requests, in KiB: what each one left behind. */
  perRequestKiB: number | null;
  /** Slow clients: RSS after a GC while every client of the first round sat on its unread answer (what the target holds, not its garbage), and its growth. */
  heldMb: number | null;
  heldGrowthMb: number | null;
  /** Slow clients: the bytes of those answers (clients × answer size). */
  inFlightMb: number | null;
};

export type Verdict = { name: string; ok: boolean; enforced: boolean; figure: string; limit: string };

export type Report = {
  schema: typeof SCHEMA;
  scenario: ScenarioName;
  summary: string;
  quick: boolean;
  transport: Transport;
  target: string;
  plan: { requests: number; concurrency: number; durationSec: number; phases: Phase[]; warmup: number };
  stoppedBy: "requests" | "duration" | "no account left";
  wallMs: number;
  metrics: Metrics;
  pool: PoolFigures;
  accounts: AccountFigures[];
  /** When each account stopped being able to serve (ms into the run). */
  readinessLost: { account: string; profile: string; at: number; why: string }[];
  memory: Memory;
  /** `stall`: slow clients — how many sat on unread answers, how many of those answers the mock had sent in full, and whether the target had gone idle before the reading. */
  mock: {
    activeStreamsAfter: number;
    drainMs: number | null;
    stall: { clients: number; answersSent: number | null; idle: boolean } | null;
  };
  verdicts: Verdict[];
  ok: boolean;
};

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const ms = (v: number) => `${v.toFixed(0)} ms`;

/** Every threshold of the scenario against the run (pure). Latency goals are not enforced on --quick runs. */
export function verdicts(r: Omit<Report, "verdicts" | "ok">, t: Thresholds): Verdict[] {
  const out: Verdict[] = [];
  const m = r.metrics;
  const add = (name: string, ok: boolean, figure: string, limit: string, enforced = true) =>
    out.push({ name, ok, enforced, figure, limit });
  if (m.requests === 0) add("requests ran", false, "0", "> 0");
  if (t.maxErrorRate !== null)
    add(
      "error rate",
      m.errorRate <= t.maxErrorRate,
      `${pct(m.errorRate)} (${m.errors}/${m.requests})`,
      `≤ ${pct(t.maxErrorRate)}`,
    );
  add(
    "client errors while an account was ready",
    m.errorsWhileReady <= t.maxErrorsWhileReady,
    String(m.errorsWhileReady),
    `≤ ${t.maxErrorsWhileReady}`,
  );
  add(
    "order violations",
    m.orderViolations <= t.maxOrderViolations,
    String(m.orderViolations),
    `≤ ${t.maxOrderViolations}`,
  );
  add("incomplete answers", m.incomplete <= t.maxIncomplete, String(m.incomplete), `≤ ${t.maxIncomplete}`);
  const speed = !r.quick;
  if (t.maxP99Ms !== null) {
    const p99 = m.total.p99;
    add(
      "latency p99",
      p99 !== null && p99 <= t.maxP99Ms,
      p99 === null ? "no completed request" : ms(p99),
      `≤ ${ms(t.maxP99Ms)}`,
      speed,
    );
  }
  if (t.maxTtfbP99Ms !== null) {
    const p99 = m.ttfb.p99;
    add(
      "time to first byte p99",
      p99 !== null && p99 <= t.maxTtfbP99Ms,
      p99 === null ? "no completed request" : ms(p99),
      `≤ ${ms(t.maxTtfbP99Ms)}`,
      speed,
    );
  }
  const mem = r.memory;
  if (t.maxRssGrowthPct !== null) {
    const g = mem.growthPct;
    const figure =
      g === null
        ? "RSS not measurable"
        : `${g >= 0 ? "+" : ""}${g.toFixed(1)}% (${mem.beforeMb?.toFixed(1)} → ${mem.afterMb?.toFixed(1)} MiB)`;
    add("RSS growth after settle", g !== null && g <= t.maxRssGrowthPct, figure, `≤ +${t.maxRssGrowthPct}%`);
  }
  if (t.maxHeldShareOfInFlight !== null) {
    const { heldGrowthMb: g, inFlightMb: f } = mem;
    const share = g !== null && f !== null && f > 0 ? Math.max(0, g) / f : null;
    const figure =
      share === null
        ? "not measurable"
        : `+${Math.max(0, g ?? 0).toFixed(1)} MiB held for ${f?.toFixed(1)} MiB of answers (${(share * 100).toFixed(0)}%)`;
    add(
      "RSS held while clients sit on unread answers (after a GC)",
      share !== null && share <= t.maxHeldShareOfInFlight,
      figure,
      `≤ ${(t.maxHeldShareOfInFlight * 100).toFixed(0)}%`,
    );
  }
  if (t.zeroActiveStreams)
    add(
      "mock streams still open after the run",
      r.mock.activeStreamsAfter === 0,
      String(r.mock.activeStreamsAfter),
      "0",
    );
  if (t.allExhausted) {
    const left = r.accounts.filter((a) => !a.exhausted).map((a) => a.profile);
    add(
      "every account exhausted by the end",
      left.length === 0,
      left.length ? `still serving: ${left.join(", ")} (stopped by ${r.stoppedBy})` : `all ${r.accounts.length}`,
      "all",
    );
  }
  return out;
}

export const failed = (vs: readonly Verdict[]): Verdict[] => vs.filter((v) => v.enforced && !v.ok);

// What a run's outcomes add up to (pure): error rate, latency percentiles, status and route mix.
import { percentile } from "../../harness/stats.ts";
import type { Outcome, Route } from "./types.ts";

export type Summary = { n: number; p50: number | null; p90: number | null; p99: number | null; max: number | null };

const fin = (v: number) => (Number.isFinite(v) ? v : null);

export function summary(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: fin(percentile(s, 0.5)),
    p90: fin(percentile(s, 0.9)),
    p99: fin(percentile(s, 0.99)),
    max: fin(s.at(-1) ?? Number.NaN),
  };
}

export type Slice = { requests: number; completed: number; errors: number; ttfb: Summary; total: Summary };

export type Metrics = {
  requests: number;
  completed: number;
  /** Cancelled by the client on purpose. */
  aborted: number;
  errors: number;
  /** errors / requests. */
  errorRate: number;
  /** Failures while the mock still had an account that could serve. */
  errorsWhileReady: number;
  /** Up to three distinct failure texts, most frequent first. */
  topErrors: { error: string; count: number }[];
  ttfb: Summary;
  total: Summary;
  /** Completed requests per second over the measured wall time. */
  rps: number | null;
  /** "200" → count; "0" means no answer at all. */
  statuses: Record<string, number>;
  routes: Partial<Record<Route, Slice>>;
  phases: Record<string, Slice>;
  deltas: number;
  orderViolations: number;
  /** Completed answers whose text was not exactly the expected one. */
  incomplete: number;
  bytes: number;
};

function slice(list: readonly Outcome[]): Slice {
  return {
    requests: list.length,
    completed: list.filter((o) => o.completed).length,
    errors: list.filter((o) => o.error !== null).length,
    ttfb: summary(list.filter((o) => o.ttfb !== null && o.completed).map((o) => o.ttfb as number)),
    total: summary(list.filter((o) => o.completed).map((o) => o.total)),
  };
}

function groupBy<K extends string>(list: readonly Outcome[], key: (o: Outcome) => K): Map<K, Outcome[]> {
  const out = new Map<K, Outcome[]>();
  for (const o of list) {
    const k = key(o);
    const g = out.get(k);
    if (g) g.push(o);
    else out.set(k, [o]);
  }
  return out;
}

/** Normalizes a failure text so one cause counts once (ids and numbers vary per request). */
const shape = (e: string) =>
  e
    .replace(/\b(resp|msg|rs|req)_[\w-]+/g, "$1_…")
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
    .slice(0, 160);

export function metrics(outcomes: readonly Outcome[], wallMs: number): Metrics {
  const all = slice(outcomes);
  const failed = outcomes.filter((o) => o.error !== null);
  const counts = new Map<string, number>();
  for (const o of failed) counts.set(shape(o.error as string), (counts.get(shape(o.error as string)) ?? 0) + 1);
  const statuses: Record<string, number> = {};
  for (const o of outcomes) statuses[String(o.status)] = (statuses[String(o.status)] ?? 0) + 1;
  const routes: Partial<Record<Route, Slice>> = {};
  for (const [route, list] of groupBy(outcomes, (o) => o.route)) routes[route] = slice(list);
  const phases: Record<string, Slice> = {};
  for (const [phase, list] of groupBy(outcomes, (o) => o.phase)) phases[phase] = slice(list);
  return {
    requests: outcomes.length,
    completed: all.completed,
    aborted: outcomes.filter((o) => o.aborted).length,
    errors: failed.length,
    errorRate: outcomes.length ? failed.length / outcomes.length : 0,
    errorsWhileReady: failed.filter((o) => (o.readyAfterError?.length ?? 0) > 0).length,
    topErrors: [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([error, count]) => ({ error, count })),
    ttfb: all.ttfb,
    total: all.total,
    rps: wallMs > 0 ? (all.completed * 1000) / wallMs : null,
    statuses,
    routes,
    phases,
    deltas: outcomes.reduce((n, o) => n + o.deltas, 0),
    orderViolations: outcomes.reduce((n, o) => n + o.orderViolations, 0),
    incomplete: outcomes.filter((o) => o.incomplete).length,
    bytes: outcomes.reduce((n, o) => n + o.bytes, 0),
  };
}

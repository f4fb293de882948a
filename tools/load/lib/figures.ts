// Turning what the observers collected into the report's figures (pure).
import { z } from "zod";
import type { MockState } from "./backend.ts";
import type { PoolEvent } from "./observers.ts";
import type { AccountFigures, Memory, PoolFigures } from "./report.ts";
import { summarizeLog } from "./runtime-log.ts";
import type { Stall } from "./settle.ts";
import type { Outcome } from "./types.ts";

/** `__prodex/state`: who serves now, and the pool's own counters. */
export const servingNow = z.object({ current: z.string().nullable() });
export const poolState = z.object({
  profiles: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      requests: z.number(),
      errors: z.number(),
      backoff: z.object({ reason: z.string() }).nullable(),
    }),
  ),
});
type PoolProfile = z.infer<typeof poolState>["profiles"][number];

const backoffData = z.object({ reason: z.string() });

/** Rotations, backoffs and serving changes during the run (events since `runEpoch`), retries from the log. */
export function poolFigures(
  all: readonly PoolEvent[],
  runEpoch: number,
  servingAtStart: string | null,
  profiles: readonly PoolProfile[],
  logText: string | null,
): PoolFigures {
  const events = all.filter((e) => e.at >= runEpoch);
  const backoffs: Record<string, number> = {};
  for (const e of events.filter((x) => x.kind === "backoff")) {
    const data = backoffData.safeParse(e.data);
    const k = data.success ? data.data.reason : "?";
    backoffs[k] = (backoffs[k] ?? 0) + 1;
  }
  const log = logText === null ? null : summarizeLog(logText);
  return {
    rotations: events.filter((e) => e.kind === "rotation").length,
    retries: log?.retries ?? null,
    backoffs,
    sequence: [
      ...(servingAtStart ? [{ at: 0, profile: servingAtStart, reason: "serving when the run started" }] : []),
      ...events
        .filter((e) => e.kind === "profile.selected")
        .map((e) => ({ at: e.at - runEpoch, profile: e.profile ?? "?", reason: e.message })),
    ],
    profiles: profiles.map((p) => ({
      name: p.name,
      requests: p.requests,
      errors: p.errors,
      status: p.status,
      backoff: p.backoff?.reason ?? null,
    })),
    log,
  };
}

export function memoryFigures(
  results: readonly Outcome[],
  rss: { beforeMb: number | null; peakMb: number | null; afterMb: number | null },
  stall: Stall | null,
): Memory {
  const { beforeMb, peakMb, afterMb } = rss;
  const completed = results.filter((r) => r.completed).map((r) => r.bytes);
  const answerBytes = completed.length ? completed.reduce((a, b) => a + b, 0) / completed.length : null;
  return {
    beforeMb,
    peakMb,
    afterMb,
    growthPct: beforeMb !== null && afterMb !== null ? ((afterMb - beforeMb) / beforeMb) * 100 : null,
    peakGrowthMb: beforeMb !== null && peakMb !== null ? peakMb - beforeMb : null,
    perRequestKiB:
      beforeMb !== null && afterMb !== null && results.length > 0
        ? ((afterMb - beforeMb) * 1024) / results.length
        : null,
    heldMb: stall?.heldMb ?? null,
    heldGrowthMb: beforeMb !== null && stall?.heldMb != null ? stall.heldMb - beforeMb : null,
    inFlightMb: stall && answerBytes !== null ? (stall.clients * answerBytes) / 1024 / 1024 : null,
  };
}

export function accountFigures(state: MockState, profileOf: (id: string) => string): AccountFigures[] {
  return state.accounts.map((a) => ({
    id: a.id,
    profile: profileOf(a.id),
    exhausted: a.exhausted,
    usedPercent: a.primary.usedPercent,
    requests: a.counters.requests,
    completed: a.counters.completed,
    limited: a.counters.limited,
    errors: a.counters.errors,
  }));
}

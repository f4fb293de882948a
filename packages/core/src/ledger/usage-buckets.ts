// The usage ledger as the dashboard's usage view sums it: per minute, profile and model, with each period (the
// last hour, day, 7 days) kept as running totals that slide with the clock. A row joins its minute and the periods
// that hold it; a minute leaving a period is taken out of it. So a new request or a tick costs the few groups it
// touches, never the whole week again. The past comes from the store as minute totals (one query).
import type { LedgerMinuteTotal } from "@prodex/store";
import {
  type LedgerEntry,
  type LedgerTotal,
  addTotal,
  byUse,
  emptyTotal,
  entryTotal,
  modelGroup,
} from "./ledger-totals.ts";
import { USAGE_PERIODS, USAGE_PERIOD_MS, type UsagePeriod, type UsageSummary } from "./usage-summary.ts";

const MINUTE = 60_000;

/** A ledger row as the minute total of one row. */
export function minuteTotalOf(row: LedgerEntry): LedgerMinuteTotal {
  return {
    minute: Math.floor(row.at / MINUTE),
    profile: row.profile,
    model: row.model,
    status: row.status,
    outcome: row.outcome,
    requests: 1,
    inputTokens: row.inputTokens,
    cachedTokens: row.cachedTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
    rotations: row.rotations,
  };
}

/** The first minute a period holds at `now`: a minute counts when any of it is in it, so nothing recent is left out. */
export function firstMinute(period: UsagePeriod, now: number): number {
  return Math.floor((now - USAGE_PERIOD_MS[period]) / MINUTE);
}

type Cell = { profile: string; model: string; total: LedgerTotal };
type Sums = { total: LedgerTotal; profile: Map<string, LedgerTotal>; model: Map<string, LedgerTotal> };
type Window = { period: UsagePeriod; first: number; sums: Sums };

function addGroup(groups: Map<string, LedgerTotal>, name: string, x: LedgerTotal, sign: 1 | -1): void {
  let t = groups.get(name);
  if (!t) {
    t = emptyTotal(name);
    groups.set(name, t);
  }
  addTotal(t, x, sign);
  if (t.requests === 0) groups.delete(name);
}

function apply(sums: Sums, cell: Pick<Cell, "profile" | "model">, x: LedgerTotal, sign: 1 | -1): void {
  addTotal(sums.total, x, sign);
  addGroup(sums.profile, cell.profile, x, sign);
  addGroup(sums.model, cell.model, x, sign);
}

const listed = (groups: Map<string, LedgerTotal>): LedgerTotal[] =>
  [...groups.values()].map((t) => ({ ...t })).sort(byUse);

export class UsageWindows {
  /** Every minute still in the longest period: its cells, to take out of a period the minute leaves. */
  private readonly minutes = new Map<number, Map<string, Cell>>();
  private readonly windows: Window[];

  constructor(now: number) {
    this.windows = USAGE_PERIODS.map((period) => ({
      period,
      first: firstMinute(period, now),
      sums: { total: emptyTotal("all"), profile: new Map(), model: new Map() },
    }));
  }

  /** Adds a minute total (many rows, or one) to its minute and the periods that hold it; older ones are dropped. */
  add(t: LedgerMinuteTotal): void {
    const longest = this.windows.at(-1) as Window;
    if (t.minute < longest.first) return;
    const model = modelGroup(t.model);
    const x = entryTotal(t);
    let cells = this.minutes.get(t.minute);
    if (!cells) {
      cells = new Map();
      this.minutes.set(t.minute, cells);
    }
    const key = `${t.profile}\u0000${model}`;
    const cell = cells.get(key);
    if (cell) addTotal(cell.total, x);
    else cells.set(key, { profile: t.profile, model, total: { ...x } });
    for (const w of this.windows) if (t.minute >= w.first) apply(w.sums, { profile: t.profile, model }, x, 1);
  }

  /** Slides every period to `now`: the minutes that left one are taken out of it. True when any period moved. */
  advance(now: number): boolean {
    let moved = false;
    for (const w of this.windows) {
      const first = firstMinute(w.period, now);
      if (first <= w.first) continue;
      moved = true;
      for (const [m, cells] of this.minutes)
        if (m >= w.first && m < first) for (const c of cells.values()) apply(w.sums, c, c.total, -1);
      w.first = first;
    }
    const longest = this.windows.at(-1) as Window;
    for (const m of this.minutes.keys()) if (m < longest.first) this.minutes.delete(m);
    return moved;
  }

  /** Each period's totals per profile and model, biggest first. */
  summary(now: number): UsageSummary {
    return {
      at: now,
      periods: this.windows.map((w) => ({
        period: w.period,
        total: { ...w.sums.total, group: "all" },
        by: { profile: listed(w.sums.profile), model: listed(w.sums.model) },
      })),
    };
  }
}

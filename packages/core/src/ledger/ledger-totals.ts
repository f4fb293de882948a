// Totals over the usage ledger, grouped one way: what `prodex usage` and `prodex gateway usage`
// print, from the rows either store returns (SQLite on a laptop, PostgreSQL for a team).

/** The part of a ledger row the totals read (both stores' rows have it). */
export type LedgerEntry = {
  at: number;
  caller: string;
  profile: string;
  client: string;
  model: string | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  status: number;
  outcome: string;
  rotations: number;
  ttfbMs: number | null;
  durationMs: number;
};

/** `profile` and `account` are the same column (a laptop's profile is a team's account); so are `key` and `caller`. */
export const LEDGER_GROUPS = ["profile", "account", "key", "model", "client", "day"] as const;
export type LedgerBy = (typeof LEDGER_GROUPS)[number];

export type LedgerTotal = {
  group: string;
  requests: number;
  /** Answers that did not complete (an error status, a failed or broken stream). */
  errors: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Input + output (cached input and reasoning are parts of those, as the upstream counts them). */
  totalTokens: number;
  rotations: number;
};

/** A row with no model (an answer that failed before naming one) is grouped under `-`. */
export const modelGroup = (model: string | null): string => model ?? "-";

function groupOf(row: LedgerEntry, by: LedgerBy): string {
  switch (by) {
    case "profile":
    case "account":
      return row.profile;
    case "key":
      return row.caller;
    case "model":
      return modelGroup(row.model);
    case "client":
      return row.client;
    case "day":
      return new Date(row.at).toISOString().slice(0, 10);
  }
}

export function isLedgerError(row: Pick<LedgerEntry, "status" | "outcome">): boolean {
  return row.status >= 400 || row.outcome !== "completed";
}

/** What a total reads of a ledger row, or of rows added up already (`requests` of them: the store's minute totals). */
export type CountedEntry = Pick<
  LedgerEntry,
  "status" | "outcome" | "inputTokens" | "cachedTokens" | "outputTokens" | "reasoningTokens" | "rotations"
> & { requests?: number };

/** What one entry counts for in a total (the one place that says what an error and the total tokens are). */
export function entryTotal(e: CountedEntry, group = ""): LedgerTotal {
  const requests = e.requests ?? 1;
  return {
    group,
    requests,
    errors: isLedgerError(e) ? requests : 0,
    inputTokens: e.inputTokens,
    cachedTokens: e.cachedTokens,
    outputTokens: e.outputTokens,
    reasoningTokens: e.reasoningTokens,
    totalTokens: e.inputTokens + e.outputTokens,
    rotations: e.rotations,
  };
}

/** A total of nothing, named `group`. */
export function emptyTotal(group: string): LedgerTotal {
  return {
    group,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    rotations: 0,
  };
}

/** Everything in `rows` added up as the one group `all` (all zeros when there are none). */
export function ledgerGrandTotal(rows: readonly LedgerEntry[]): LedgerTotal {
  return ledgerTotals(rows, "all")[0] ?? emptyTotal("all");
}

/** One total per group, the biggest token users first (days: oldest first); `all` adds up everything. */
export function ledgerTotals(rows: readonly LedgerEntry[], by: LedgerBy | "all"): LedgerTotal[] {
  const totals = new Map<string, LedgerTotal>();
  for (const row of rows) {
    const group = by === "all" ? "all" : groupOf(row, by);
    let t = totals.get(group);
    if (!t) {
      t = emptyTotal(group);
      totals.set(group, t);
    }
    addTotal(t, entryTotal(row));
  }
  const list = [...totals.values()];
  if (by === "day") return list.sort((a, b) => a.group.localeCompare(b.group));
  return list.sort(byUse);
}

/** The order every usage list is in: most tokens first, then most requests, then by name. */
export function byUse(a: LedgerTotal, b: LedgerTotal): number {
  return b.totalTokens - a.totalTokens || b.requests - a.requests || a.group.localeCompare(b.group);
}

/** Totals added up as one (a usage view's "+3 more", a period's buckets). */
export function sumTotals(totals: readonly LedgerTotal[], group = "all"): LedgerTotal {
  const t = emptyTotal(group);
  for (const x of totals) addTotal(t, x);
  return t;
}

/** Adds `x` into `into` (`sign` -1 takes it out again: a minute leaving a sliding period). */
export function addTotal(into: LedgerTotal, x: LedgerTotal, sign: 1 | -1 = 1): void {
  into.requests += sign * x.requests;
  into.errors += sign * x.errors;
  into.inputTokens += sign * x.inputTokens;
  into.cachedTokens += sign * x.cachedTokens;
  into.outputTokens += sign * x.outputTokens;
  into.reasoningTokens += sign * x.reasoningTokens;
  into.totalTokens += sign * x.totalTokens;
  into.rotations += sign * x.rotations;
}

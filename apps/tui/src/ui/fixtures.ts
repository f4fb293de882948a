import { type LedgerEntry, ledgerGrandTotal, ledgerTotals } from "@prodex/core";
import type { PoolEvent, PoolSnapshot, ProfileView, UsageSummary, UsageWindow } from "@prodex/core/types";
import { USAGE_PERIOD_MS, USAGE_PERIODS } from "@prodex/core/types";

// A small, realistic pool for tests and the offline demo dashboard.

const M = 60_000;
const H = 60 * M;

const win = (
  label: UsageWindow["label"],
  usedPercent: number,
  resetAt: number | null,
  limit = "codex",
): UsageWindow => ({
  label,
  usedPercent,
  windowSeconds: label === "5h" ? 5 * 3600 : label === "weekly" ? 7 * 86400 : null,
  resetAt,
  limit,
});

export function sampleProfile(over: Partial<ProfileView> & { name: string }, now = 0): ProfileView {
  return {
    email: `${over.name}@example.com`,
    plan: "plus",
    status: "ready",
    needsLogin: false,
    windows: [win("5h", 20, now + 3 * H), win("weekly", 10, now + 4 * 24 * H)],
    fetchedAt: now - 30_000,
    backoff: null,
    current: false,
    requests: 0,
    errors: 0,
    latencyMs: null,
    ...over,
  };
}

export function sampleSnapshot(now: number): PoolSnapshot {
  return {
    at: now,
    current: "work",
    pinned: null,
    autoRotate: true,
    profiles: [
      sampleProfile(
        {
          name: "work",
          current: true,
          status: "ready",
          requests: 142,
          errors: 1,
          latencyMs: 640,
          windows: [win("5h", 62, now + 2 * H + 13 * M), win("weekly", 17, now + 4 * 24 * H + 2 * H)],
        },
        now,
      ),
      sampleProfile(
        {
          name: "personal",
          status: "thin",
          requests: 37,
          latencyMs: 812,
          windows: [win("5h", 86, now + 41 * M), win("weekly", 44, now + 2 * 24 * H)],
        },
        now,
      ),
      sampleProfile(
        {
          name: "backup",
          status: "exhausted",
          plan: "pro",
          windows: [win("5h", 100, now + 3 * M + 12 * S), win("weekly", 71, now + 5 * 24 * H)],
          backoff: { reason: "usage_limit", until: now + 3 * M + 12 * S, message: "The usage limit has been reached" },
          requests: 9,
          errors: 3,
          latencyMs: 1210,
        },
        now,
      ),
      sampleProfile(
        { name: "old", status: "unknown", needsLogin: true, email: null, plan: null, windows: [], fetchedAt: null },
        now,
      ),
    ],
  };
}

const S = 1000;

export function sampleEvents(now: number): PoolEvent[] {
  const e = (
    id: number,
    ago: number,
    kind: PoolEvent["kind"],
    message: string,
    profile: string | null,
    level: PoolEvent["level"] = "info",
    data?: Record<string, unknown>,
  ): PoolEvent =>
    ({
      id,
      at: now - ago,
      kind,
      level,
      profile,
      message,
      ...(data ? { data } : {}),
    }) as PoolEvent; // a fixture: its data is trusted as given
  return [
    e(1, 40 * M, "proxy.started", "proxy listening on 127.0.0.1", null),
    e(2, 39 * M, "quota.fetched", "work 5h 40% · weekly 12%", "work"),
    e(3, 12 * M, "token.refreshed", "access token refreshed", "personal"),
    e(4, 8 * M, "backoff", "backup hit its 5h limit; backing off 15m", "backup", "warn", { reason: "usage_limit" }),
    e(5, 8 * M - 2 * S, "rotation", "backup → work: 5h limit reached", "work", "info", {
      from: "backup",
      to: "work",
      reason: "5h limit",
    }),
    e(6, 6 * M, "auth.needs_login", "old: refresh token rejected; run `prodex login old`", "old", "warn"),
    e(7, 30 * S, "request.completed", "POST /responses 200 in 640ms", "work"),
  ];
}

/** Ledger rows behind `sampleUsage`: three profiles, three models, over a week. */
export function sampleLedger(now: number): LedgerEntry[] {
  const row = (ago: number, profile: string, model: string, input: number, output: number, status = 200) => ({
    at: now - ago,
    caller: "launch",
    profile,
    client: "codex",
    model,
    inputTokens: input,
    cachedTokens: Math.floor(input / 2),
    outputTokens: output,
    reasoningTokens: Math.floor(output / 4),
    status,
    outcome: status < 400 ? "completed" : "error",
    rotations: 0,
    ttfbMs: 300,
    durationMs: 900,
  });
  return [
    row(5 * M, "work", "gpt-5-codex", 12_000, 800),
    row(20 * M, "work", "gpt-5-codex", 30_000, 1_500),
    row(50 * M, "personal", "gpt-5", 4_000, 400),
    row(2 * H, "work", "gpt-5", 8_000, 900),
    row(3 * H, "backup", "gpt-5-codex", 0, 0, 429),
    row(20 * H, "personal", "gpt-5-mini", 2_000, 100),
    row(3 * 24 * H, "backup", "gpt-5-codex", 250_000, 9_000),
  ];
}

/** The usage summary a feed sends for `sampleLedger`, per profile and model. */
export function sampleUsage(now: number, rows = sampleLedger(now)): UsageSummary {
  return {
    at: now,
    periods: USAGE_PERIODS.map((period) => {
      const inPeriod = rows.filter((r) => r.at >= now - USAGE_PERIOD_MS[period]);
      return {
        period,
        total: ledgerGrandTotal(inPeriod),
        by: { profile: ledgerTotals(inPeriod, "profile"), model: ledgerTotals(inPeriod, "model") },
      };
    }),
  };
}

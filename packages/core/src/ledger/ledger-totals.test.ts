import { describe, expect, test } from "bun:test";
import { ledgerRow } from "@prodex/testkit/ledger-row";
import { type LedgerEntry, isLedgerError, ledgerTotals } from "./ledger-totals.ts";

const DAY = 86_400_000;
const base: LedgerEntry = ledgerRow({
  cachedTokens: 20,
  outputTokens: 10,
  reasoningTokens: 4,
  ttfbMs: 5,
  durationMs: 50,
});
const rows: LedgerEntry[] = [
  base,
  {
    ...base,
    profile: "bob",
    caller: "ci-bot",
    model: "gpt-5-codex",
    inputTokens: 1000,
    outputTokens: 100,
    rotations: 1,
  },
  { ...base, at: base.at - DAY, client: "claude", outcome: "failed", status: 200 },
  {
    ...base,
    model: null,
    status: 429,
    outcome: "error",
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  },
];

describe("ledger totals", () => {
  test.each([
    ["profile", ["bob", "alice"], [1, 3]],
    ["account", ["bob", "alice"], [1, 3]],
    ["key", ["ci-bot", "launch"], [1, 3]],
    ["model", ["gpt-5-codex", "gpt-5", "-"], [1, 2, 1]],
    ["client", ["codex", "claude"], [3, 1]],
    ["day", ["2026-12-06", "2026-12-07"], [1, 3]],
  ] as const)("by %s: groups in order with their request counts", (by, groups, requests) => {
    const totals = ledgerTotals(rows, by);
    expect(totals.map((t) => t.group)).toEqual([...groups]);
    expect(totals.map((t) => t.requests)).toEqual([...requests]);
  });

  test("all: the sums of every column", () => {
    expect(ledgerTotals(rows, "all")).toEqual([
      {
        group: "all",
        requests: 4,
        errors: 2,
        inputTokens: 1200,
        cachedTokens: 60,
        outputTokens: 120,
        reasoningTokens: 12,
        totalTokens: 1320,
        rotations: 1,
      },
    ]);
  });

  test.each([
    [200, "completed", false],
    [200, "incomplete", true],
    [200, "broken", true],
    [400, "completed", true],
    [429, "error", true],
  ] as const)("status %d, outcome %s: error %p", (status, outcome, error) => {
    expect(isLedgerError({ status, outcome })).toBe(error);
  });

  test("no rows: no totals", () => {
    expect(ledgerTotals([], "model")).toEqual([]);
  });
});

import type { LedgerEntry } from "@prodex/core";

/** A usage-ledger row as the store keeps it (core's entry plus its request id and the instance that wrote it). */
export type TestLedgerRow = LedgerEntry & { requestId: string; instance: string };

let next = 0;

/**
 * One completed request of alice on gpt-5 at `patch.at` (default 2026-12-07 10:00 UTC), a fresh request id each
 * call.
 */
export function ledgerRow(patch: Partial<TestLedgerRow> = {}): TestLedgerRow {
  return {
    requestId: `test-request-${next++}`,
    at: Date.UTC(2026, 11, 7, 10),
    caller: "launch",
    profile: "alice",
    client: "codex",
    model: "gpt-5",
    inputTokens: 100,
    cachedTokens: 10,
    outputTokens: 20,
    reasoningTokens: 5,
    status: 200,
    outcome: "completed",
    rotations: 0,
    ttfbMs: 3,
    durationMs: 40,
    instance: "test",
    ...patch,
  };
}

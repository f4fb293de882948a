// Type-only surface of core for UI packages: no runtime dependencies (no store, no fs).
export * from "./events/types.ts";
export * from "./events/pool-view.ts";
export * from "./events/team-view.ts";
export * from "./quota/types.ts";
export * from "./ledger/usage-summary.ts";
export type { LedgerTotal } from "./ledger/ledger-totals.ts";

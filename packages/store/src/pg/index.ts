// The team gateway's PostgreSQL store: `@prodex/store/pg`, kept apart so the single-user path never loads it.
export { GatewayStore, GATEWAY_CHANNEL } from "./gateway-store.ts";
export { GatewayDbError, isConnectionError, redactUrl } from "./errors.ts";
export { parseDatabaseUrl } from "./connect.ts";
export { dbFailure } from "./migrate.ts";
export type { MigrateResult, SchemaState } from "./migrate.ts";
export type { AccountRow, NewAccount, SealedTokens, AccountTx } from "./repositories/accounts.ts";
export type { ApiKeyRow, ApiKeyRole, KeyLimits } from "./repositories/api-keys.ts";
export type { SecretKeyRow } from "./repositories/secret-keys.ts";
export type { PgUsageRow } from "./repositories/usage.ts";
export type { PgBackoffRow } from "./repositories/backoffs.ts";
export type { PgBindingRow } from "./repositories/bindings.ts";
export type { PgEventRow, NewPgEvent } from "./repositories/events.ts";
export type { InstanceRow } from "./repositories/instances.ts";
export type { AccountCounters, CallerTotal, LedgerSum, PgLedgerRow } from "./repositories/ledger.ts";
export type { CounterTotals, CounterWindow } from "./repositories/key-counters.ts";
export type { PoolControlRow } from "./repositories/pool-control.ts";

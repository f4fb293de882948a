// The Ink-free part of @prodex/tui: everything the CLI needs on its startup path. Importing it
// does not load React, Ink or Yoga (the wrapper draws through its own compositor).

export { runWrapped, type WrapOptions } from "./wrap/run-wrapped.ts";
export { runPoolView, type PoolViewOptions } from "./pool/run-pool-view.ts";
export { quotaTableLines, renderQuotaTable, type QuotaTableProps, type QuotaTableTextOptions } from "./ui/quota-table.ts";
export { shouldUseTui, type EnvLike, type TtyLike } from "./env/should-use-tui.ts";
export { detectTheme, makeTheme, type Theme } from "./env/theme.ts";
export { createStaticFeed, type StaticFeed, type EventInput } from "./feed/static-feed.ts";
export { initPoolState, applyFeedMessage, type PoolState } from "./feed/pool-state.ts";
export { KeySpecError, parsePrefixKey, prefixLabel } from "./wrap/keys.ts";
export { AgentSpawnError } from "./wrap/agent-session.ts";
export type { TtyInput, TtyOutput } from "./wrap/terminal-host.ts";
export { sampleSnapshot, sampleEvents } from "./ui/fixtures.ts";

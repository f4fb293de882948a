// @prodex/tui: the dashboard (an Ink app) around Codex / Claude Code, the pool view, and the
// quota table. It loads React, Ink and Yoga: the CLI imports it only on the paths that draw.

export { runWrapped, type WrapOptions } from "./wrap/run-wrapped.tsx";
export { runPoolView, type PoolViewOptions } from "./pool/run-pool-view.tsx";
export { watchQuotaTable, type QuotaWatchOptions } from "./quota/watch-quota-table.tsx";
export { shouldUseTui, type EnvLike, type TtyLike } from "./env/should-use-tui.ts";
export { detectTheme, makeTheme, type Theme } from "./env/theme.ts";
export { createStaticFeed, type StaticFeed, type EventInput } from "./feed/static-feed.ts";
export { initPoolState, applyFeedMessage, type PoolState } from "./feed/pool-state.ts";
export { usePoolFeed } from "./feed/use-pool-feed.ts";
export { KeySpecError, parsePrefixKey, prefixLabel } from "./wrap/keys.ts";
export { AgentSpawnError } from "./wrap/agent-session.ts";
export type { TtyInput, TtyOutput } from "./wrap/terminal-host.ts";
export { sampleSnapshot, sampleEvents } from "./ui/fixtures.ts";
export type { QuotaTableProps } from "./ui/quota-table.ts";

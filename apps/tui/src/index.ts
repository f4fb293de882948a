// @prodex/tui: the dashboard around Codex / Claude Code, the pool view, and the quota table.
// On a startup path prefer "@prodex/tui/runtime": the same API without the Ink components.

export * from "./runtime.ts";
export { QuotaTable, SidePanel, StatusStrip, PoolView, HelpOverlay, InkLines, enableStyles } from "./ui/components.tsx";

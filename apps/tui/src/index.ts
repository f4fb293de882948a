// @prodex/tui: the dashboard around Codex / Claude Code, the pool view, and the quota table.

export * from "./runtime.ts";
export { QuotaTable, SidePanel, StatusStrip, PoolView, HelpOverlay, ConfirmBox, enableStyles } from "./ui/components.tsx";
export { AgentPane } from "./pane/agent-pane.tsx";
export { WrapScreen } from "./wrap/wrap-screen.tsx";

// @prodex/tui: the dashboard around Codex / Claude Code, the pool view, and the quota table.

export * from "./runtime.ts";
export {
  QuotaTable,
  SidePanel,
  StatusStrip,
  PoolView,
  HelpOverlay,
  ConfirmBox,
  UsageTable,
  UsageView,
  enableStyles,
} from "./ui/components.tsx";
export { AgentPane } from "./pane/agent-pane.tsx";
export { WrapScreen } from "./wrap/wrap-screen.tsx";
// The pure view model behind the panel and the pool view, for tests that hold other surfaces to the same words.
export { panelLines } from "./ui/side-panel.ts";
export { quotaTableLines } from "./ui/quota-table.ts";
export { usageTableLines, type UsageTableProps } from "./ui/usage-table.ts";
export { usageLines, nextPeriod, PERIOD_LABEL, type UsageViewProps } from "./ui/usage-view.ts";
export { lineText } from "./ui/lines.ts";

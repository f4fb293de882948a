/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React from "react";
import chalk from "chalk";
import type { ReactNode } from "react";
import { Box, Text } from "ink";
import type { UsageGroup, UsageSummary } from "@prodex/core/types";
import type { Theme } from "../env/theme.ts";
import type { PoolState } from "../feed/pool-state.ts";
import type { PoolViewState } from "../pool/pool-controller.ts";
import { confirmLines, helpLines } from "./help-overlay.ts";
import { poolLines, type PoolViewProps } from "./pool-view.ts";
import { quotaTableLines, type QuotaTableProps } from "./quota-table.ts";
import type { Line } from "./lines.ts";
import { Rows, styledLine } from "./row.tsx";
import type { ScreenProps } from "./screen-frame.ts";
import { panelLines, type PanelProps } from "./side-panel.ts";
import { stripLine, type StripProps } from "./status-strip.ts";
import { usageTableLines, type UsageTableProps } from "./usage-table.ts";
import { usageLines, type UsageViewProps } from "./usage-view.ts";

// The dashboard's views as Ink components. What each row says and in which colour is decided by
// the pure view models (side-panel.ts, pool-view.ts, quota-table.ts…, tested with tables); these
// components lay the rows out.

/** Quota per profile: status, 5h and weekly bars with time to reset; `detail` adds the rest. */
export function QuotaTable(props: QuotaTableProps) {
  return <Rows lines={quotaTableLines(props)} width={props.width} />;
}

/** The live side panel beside the agent pane, `width` × `height` cells. */
export function SidePanel(props: PanelProps) {
  return (
    <Box width={props.width} height={props.height} flexShrink={0} overflow="hidden">
      <Rows lines={panelLines(props)} width={props.width} />
    </Box>
  );
}

/** The one-line pool summary of a narrow terminal. */
export function StatusStrip(props: StripProps) {
  return (
    <Box width={props.width} height={1} flexShrink={0} overflow="hidden">
      <Rows lines={[stripLine(props)]} width={props.width} />
    </Box>
  );
}

/** The full-screen pool view: every profile, quota history, the event log with filters. */
export function PoolView(props: PoolViewProps) {
  return (
    <Box width={props.width} height={props.height} flexShrink={0} overflow="hidden">
      <Rows lines={poolLines(props)} width={props.width} />
    </Box>
  );
}

/** Requests, tokens and shares per profile, model or key, biggest users first (`height` lines at most). */
export function UsageTable(props: UsageTableProps) {
  return <Rows lines={usageTableLines(props)} width={props.width} />;
}

/** The full-screen usage view: a period's totals per profile and per model. */
export function UsageView(props: UsageViewProps) {
  return (
    <Box width={props.width} height={props.height} flexShrink={0} overflow="hidden">
      <Rows lines={usageLines(props)} width={props.width} />
    </Box>
  );
}

/** The pool view, or in its place the usage view (`view.usage`), full screen: `prodex dashboard` and the wrapper's. */
export function PoolScreenView(
  props: ScreenProps & {
    state: PoolState;
    view: PoolViewState;
    usage: UsageSummary | null;
    /** The usage view's tables (default: per profile and per model). */
    groups?: readonly UsageGroup[];
    /** What the team dashboard draws differently in the pool view. */
    pool?: Pick<PoolViewProps, "heading" | "summary" | "sections" | "keys">;
  },
) {
  const { state, view, usage, groups, pool, ...screen } = props;
  return (
    <FullScreen>
      {view.usage ? (
        <UsageView
          {...screen}
          summary={usage}
          period={view.period}
          profiles={state.snapshot.profiles}
          {...(groups ? { groups } : {})}
        />
      ) : (
        <PoolView {...screen} {...pool} state={state} view={view} />
      )}
    </FullScreen>
  );
}

/** The prefix-key reference, a box `width` cells wide. */
export function HelpOverlay(props: { theme: Theme; prefixLabel: string; width: number }) {
  return <Rows lines={helpLines(props.theme, props.prefixLabel, props.width)} width={props.width} />;
}

/** "Quit codex?  y yes  n no" in a box. */
export function ConfirmBox(props: { theme: Theme; question: string; width: number }) {
  return <Rows lines={confirmLines(props.theme, props.question, props.width)} width={props.width} />;
}

/**
 * The whole terminal. Clipped to the terminal's width: on a resize Ink draws once at the new width
 * before the tree has re-laid out for it, and a stale, wider frame must not wrap.
 */
export function FullScreen(props: { children: ReactNode }) {
  return (
    <Box width="100%" flexDirection="column" overflow="hidden">
      {props.children}
    </Box>
  );
}

/** The vertical rule between the agent pane and the panel: one text node, not one per row. */
export function Divider(props: { theme: Theme; rows: number }) {
  const { theme } = props;
  const line: Line = [{ text: theme.g.sep, hue: theme.color ? ("gray" as const) : undefined, dim: !theme.color }];
  return (
    <Box width={1} flexShrink={0}>
      <Text>{Array.from({ length: props.rows }, () => styledLine(line)).join("\n")}</Text>
    </Box>
  );
}

const detectedLevel = chalk.level;

/**
 * Ink styles text through chalk, which mutes itself when stdout is not a TTY (tests, or output the
 * caller has vouched for). NO_COLOR is honoured by the views never asking for a colour, not here.
 */
export function enableStyles(): void {
  if (chalk.level === 0) chalk.level = Math.max(detectedLevel, 1) as 1 | 2 | 3;
}

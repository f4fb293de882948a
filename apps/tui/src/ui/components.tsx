import chalk from "chalk";
import { Box, Text } from "ink";
import type { Theme } from "../env/theme.ts";
import { helpLines } from "./help-overlay.ts";
import type { Line } from "./lines.ts";
import { poolLines, type PoolViewProps } from "./pool-view.ts";
import { quotaTableLines, type QuotaTableProps } from "./quota-table.ts";
import { panelLines, type PanelProps } from "./side-panel.ts";
import { stripLine, type StripProps } from "./status-strip.ts";

// Ink (React) faces of the views. Each view is built as styled lines first (see lines.ts), so the
// wrapper can draw the same thing into its compositor without paying for a React render per frame.

/** Styled lines as Ink elements: one <Text> per line, nested <Text> per styled run. */
export function InkLines(props: { lines: Line[] }) {
  return (
    <Box flexDirection="column">
      {props.lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.length === 0
            ? " "
            : line.map((s, j) => (
                <Text key={j} color={s.hue} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
                  {s.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}

/** Quota per profile: status, 5h and weekly bars with time to reset; `detail` adds the rest. */
export function QuotaTable(props: QuotaTableProps) {
  return <InkLines lines={quotaTableLines(props)} />;
}

export function SidePanel(props: PanelProps) {
  return <InkLines lines={panelLines(props)} />;
}

export function StatusStrip(props: StripProps) {
  return <InkLines lines={[stripLine(props)]} />;
}

export function PoolView(props: PoolViewProps) {
  return <InkLines lines={poolLines(props)} />;
}

export function HelpOverlay(props: { theme: Theme; prefixLabel: string; width: number }) {
  return <InkLines lines={helpLines(props.theme, props.prefixLabel, props.width)} />;
}

const detectedLevel = chalk.level;

/**
 * Ink styles text through chalk, which mutes itself when stdout is not a TTY (tests, or output the
 * caller has vouched for). NO_COLOR is honoured by the views never asking for a colour, not here.
 */
export function enableStyles(): void {
  if (chalk.level === 0) chalk.level = Math.max(detectedLevel, 1) as 1 | 2 | 3;
}

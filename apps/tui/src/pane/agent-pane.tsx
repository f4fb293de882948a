/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { memo, useSyncExternalStore } from "react";
import { Box, Text, useCursor } from "ink";
import { paneRows } from "./pane-rows.ts";
import type { PaneSource } from "./pane-source.ts";

export type AgentPaneProps = {
  source: PaneSource;
  cols: number;
  rows: number;
  /** Scrolled back: the first buffer line shown; undefined follows the agent's screen. */
  top?: number;
  /** Place the terminal's cursor where the agent put it (when the agent shows it). */
  cursor: boolean;
};

/** One row of the agent's screen. Memoised on its text: only rows that changed re-render. */
const PaneRow = memo(function PaneRow(props: { text: string }) {
  return <Text wrap="truncate">{props.text || " "}</Text>;
});

/**
 * The agent's terminal, drawn from its emulator, with the cursor where the agent left it. Memoised:
 * it re-renders when the agent's screen changes (its store) or its size does, not on every panel
 * update (a pool event re-read every cell of the pane). Ink keeps the cursor where it was set.
 */
export const AgentPane = memo(function AgentPane(props: AgentPaneProps) {
  const { source, cols, rows } = props;
  useSyncExternalStore(source.subscribe, source.version);
  const { setCursorPosition } = useCursor();
  const buf = source.term.buffer.active;
  const lines = paneRows(buf, props.top ?? buf.viewportY, cols, rows);
  const showCursor = props.cursor && props.top === undefined && !source.cursorHidden() && buf.cursorY < rows;
  setCursorPosition(showCursor ? { x: Math.min(buf.cursorX, cols - 1), y: buf.cursorY } : undefined);
  return (
    <Box flexDirection="column" width={cols} height={rows} flexShrink={0} overflow="hidden">
      {lines.map((text, y) => (
        <PaneRow key={y} text={text} />
      ))}
    </Box>
  );
});

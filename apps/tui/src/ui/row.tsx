/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { memo } from "react";
import chalk from "chalk";
import { Box, Text } from "ink";
import type { Line, Seg } from "./lines.ts";

// One styled line as Ink text. Views are rebuilt on every state change, so rows are memoised by
// content: React re-renders only the rows whose text or style changed. A row is one <Text> holding
// one string with its styles already applied: Ink re-squashes and re-styles every nested <Text> of
// the screen on every frame, a plain string it only passes through (measured: CPU per echoed key).

const sameSeg = (a: Seg, b: Seg) =>
  a.text === b.text && a.hue === b.hue && a.bold === b.bold && a.dim === b.dim && a.inverse === b.inverse;

export function sameLine(a: Line, b: Line): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameSeg(a[i] as Seg, b[i] as Seg)) return false;
  return true;
}

/** A segment with its styles, applied as Ink's <Text> applies them (dim, colour, bold, inverse). */
function styled(s: Seg): string {
  let t = s.text;
  if (!t) return t;
  if (s.dim) t = chalk.dim(t);
  if (s.hue) t = chalk[s.hue](t);
  if (s.bold) t = chalk.bold(t);
  if (s.inverse) t = chalk.inverse(t);
  return t;
}

/** One line as a string with its styles. */
export const styledLine = (line: Line): string => line.map(styled).join("");

/** A line of styled segments: one <Text> with one string. */
export const Row = memo(
  function Row(props: { line: Line }) {
    const { line } = props;
    if (!line.length) return <Text> </Text>;
    return <Text wrap="truncate-end">{styledLine(line)}</Text>;
  },
  (a, b) => sameLine(a.line, b.line),
);

/** Lines stacked in a column `width` cells wide (each line already fits it). */
export function Rows(props: { lines: Line[]; width?: number }) {
  return (
    <Box flexDirection="column" width={props.width} flexShrink={0}>
      {props.lines.map((line, i) => (
        <Row key={i} line={line} />
      ))}
    </Box>
  );
}

// Ink is patched (patches/ink@8.0.0.patch) to reuse the rows of the previous frame whose writes did
// not change. A frame drawn that way must be exactly the frame Ink draws from scratch: rows edited,
// an overlay placed over some rows and taken away, wide glyphs, a clipped box resized.
import { beforeAll, describe, expect, test } from "bun:test";
import React, { useSyncExternalStore } from "react";
import { Box, Text } from "ink";
import { renderAt } from "../../test/ink-frames.ts";
import { enableStyles } from "../ui/components.tsx";

beforeAll(() => enableStyles());

// Text that changes without its <Text> re-rendering (its own store): the write's text is new, its
// transform is not.
let ticks = 0;
const listeners = new Set<() => void>();
const store = {
  subscribe: (f: () => void) => (listeners.add(f), () => listeners.delete(f)),
  get: () => ticks,
  bump: () => {
    ticks++;
    for (const f of listeners) f();
  },
};
function Ticks() {
  return <>{`tick ${useSyncExternalStore(store.subscribe, store.get)}`}</>;
}

type State = { rows: string[]; overlay: string | null; panel: number; tone: "green" | "red" };

function Screen(s: State) {
  return (
    <Box width="100%" flexDirection="column" overflow="hidden">
      <Box flexDirection="row" height={s.rows.length}>
        <Box width={30} height={s.rows.length} flexDirection="column" overflow="hidden">
          {s.rows.map((r, i) => (
            <Text key={i} wrap="truncate">
              {r || " "}
            </Text>
          ))}
          {s.overlay ? (
            <Box position="absolute" left={4} top={1} width={14}>
              <Text inverse color="cyan">
                {s.overlay}
              </Text>
            </Box>
          ) : null}
        </Box>
        <Box width={s.panel} height={s.rows.length} flexDirection="column" overflow="hidden">
          <Text color={s.tone}>panel {"─".repeat(40)}</Text>
          <Text>
            <Text bold>quota</Text> <Text dimColor>5h 40%</Text>
          </Text>
          <Text color="yellow">
            <Ticks />
          </Text>
        </Box>
      </Box>
    </Box>
  );
}

const edits: ((s: State) => State)[] = [
  (s) => ({ ...s, rows: s.rows.map((r, i) => (i === 2 ? `${r}x` : r)) }),
  (s) => ({ ...s, overlay: "help\nline two\nthree" }),
  (s) => ({ ...s, rows: s.rows.map((r, i) => (i === 2 ? "\x1b[31munder the overlay\x1b[0m" : r)) }),
  (s) => ({ ...s, overlay: null }),
  (s) => ({ ...s, rows: s.rows.map((r, i) => (i === 0 ? "界界 wide 👍🏽 emoji" : r)) }),
  (s) => ({ ...s, panel: 12, tone: "red" }),
  (s) => ({ ...s, overlay: "界 over" }),
  (s) => ({ ...s, rows: s.rows.map((r, i) => (i === 1 ? "a longer line that the pane cuts off at thirty cells" : r)) }),
  (s) => ({ ...s, panel: 20, overlay: null }),
  (s) => (store.bump(), s),
  (s) => (store.bump(), { ...s, overlay: "over" }),
  (s) => (store.bump(), s),
];

describe("Ink's frames with reused rows", () => {
  test("each frame drawn after an edit is the frame drawn from scratch", async () => {
    const rows = ["$ codex", "> hello", "thinking…", "", "\x1b[38;5;200mpink\x1b[0m"];
    let state: State = { rows, overlay: null, panel: 20, tone: "green" };
    const live = renderAt(<Screen {...state} />, 60, 8);
    for (const edit of edits) {
      const next = edit(state);
      // The same state: nothing re-renders <Screen>, only what the edit changed on its own.
      if (next !== state) live.rerender(<Screen {...next} />);
      state = next;
      await Bun.sleep(5);
      const fresh = renderAt(<Screen {...state} />, 60, 8);
      await Bun.sleep(5);
      expect(live.lastFrame()).toBe(fresh.lastFrame() as string);
      fresh.unmount();
    }
    live.unmount();
  });
});

import type { Screen } from "./screen.ts";
import { sgr } from "./sgr.ts";

export type CursorState = { x: number; y: number; visible: boolean };

const cup = (x: number, y: number) => `\x1b[${y + 1};${x + 1}H`;

/**
 * Bytes that turn the terminal showing `prev` into `next`: cursor-addressed writes of changed cells
 * only. A missing or differently sized `prev` means a full repaint.
 */
export function diffScreens(prev: Screen | null, next: Screen): string {
  const full = !prev || prev.cols !== next.cols || prev.rows !== next.rows;
  const cols = next.cols;
  let out = full ? "\x1b[0m\x1b[H\x1b[2J" : "";
  let style = full ? sgr(-1, -1, 0) : "";
  let cx = -1;
  let cy = -1;
  const dirty = new Uint8Array(cols + 1);
  for (let y = 0; y < next.rows; y++) {
    const row = y * cols;
    let any = false;
    for (let x = 0; x < cols; x++) {
      const d = full || !prev.sameCell(next, row + x);
      dirty[x] = d ? 1 : 0;
      if (d) any = true;
    }
    if (!any) continue;
    if (!full) widen(prev, next, row, dirty);
    for (let x = 0; x < cols; x++) {
      if (!dirty[x]) continue;
      const i = row + x;
      const w = next.width[i] ?? 1;
      // The right half of a wide glyph is drawn by its head.
      if (w === 0) continue;
      // A cleared screen is already blank.
      if (full && isBlank(next, i)) continue;
      if (cx !== x || cy !== y) out += cup(x, y);
      const s = sgr(next.fg[i] ?? -1, next.bg[i] ?? -1, next.attrs[i] ?? 0);
      if (s !== style) {
        out += s;
        style = s;
      }
      out += next.chars[i] || " ";
      cx = x + (w === 2 ? 2 : 1);
      cy = y;
      // Past the last column the terminal is in a pending-wrap state: always re-address.
      if (cx >= cols) cx = -1;
    }
  }
  if (style !== "" && style !== sgr(-1, -1, 0)) out += "\x1b[0m";
  return out;
}

/** A changed half of a wide glyph forces a redraw of the whole glyph and of what it covered. */
function widen(prev: Screen, next: Screen, row: number, dirty: Uint8Array): void {
  const cols = next.cols;
  for (let x = 0; x < cols - 1; x++) {
    if (!dirty[x]) continue;
    if (prev.width[row + x] === 2 || next.width[row + x] === 2) dirty[x + 1] = 1;
  }
  for (let x = cols - 1; x > 0; x--) {
    if (!dirty[x]) continue;
    if (prev.width[row + x] === 0 || next.width[row + x] === 0) dirty[x - 1] = 1;
  }
}

function isBlank(s: Screen, i: number): boolean {
  return (s.chars[i] === " " || s.chars[i] === "") && s.fg[i] === -1 && s.bg[i] === -1 && s.attrs[i] === 0;
}

/** Place and show/hide the cursor after a frame; empty when nothing needs saying. */
export function cursorBytes(cur: CursorState, last: CursorState | null, moved: boolean): string {
  let out = "";
  if (cur.visible && (moved || !last || last.x !== cur.x || last.y !== cur.y || !last.visible)) out += cup(cur.x, cur.y);
  if (!last || last.visible !== cur.visible) out += cur.visible ? "\x1b[?25h" : "\x1b[?25l";
  return out;
}

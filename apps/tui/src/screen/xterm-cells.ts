import type { IBuffer, IBufferCell } from "@xterm/headless";
import { Attr, DEFAULT_COLOR, RGB_FLAG, Screen } from "./screen.ts";
import { sgr } from "./sgr.ts";

function attrsOf(c: IBufferCell): number {
  let a = 0;
  if (c.isBold()) a |= Attr.bold;
  if (c.isDim()) a |= Attr.dim;
  if (c.isItalic()) a |= Attr.italic;
  if (c.isUnderline()) a |= Attr.underline;
  if (c.isBlink()) a |= Attr.blink;
  if (c.isInverse()) a |= Attr.inverse;
  if (c.isInvisible()) a |= Attr.invisible;
  if (c.isStrikethrough()) a |= Attr.strike;
  if (c.isOverline()) a |= Attr.overline;
  return a;
}

/**
 * Copy `h` buffer lines starting at line `top` into the screen at (x0, y0), `w` cells wide.
 * One reusable cell object keeps this allocation-free on the hot path.
 */
export function blitXterm(screen: Screen, buf: IBuffer, top: number, x0: number, y0: number, w: number, h: number): void {
  const cell = buf.getNullCell();
  const cols = screen.cols;
  for (let y = 0; y < h; y++) {
    const line = buf.getLine(top + y);
    const row = (y0 + y) * cols + x0;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (!line?.getCell(x, cell)) {
        screen.chars[i] = " ";
        screen.width[i] = 1;
        screen.fg[i] = DEFAULT_COLOR;
        screen.bg[i] = DEFAULT_COLOR;
        screen.attrs[i] = 0;
        continue;
      }
      const wd = cell.getWidth();
      screen.chars[i] = wd === 0 ? "" : cell.getChars() || " ";
      screen.width[i] = wd;
      screen.fg[i] = cell.isFgDefault() ? DEFAULT_COLOR : cell.isFgRGB() ? RGB_FLAG | cell.getFgColor() : cell.getFgColor();
      screen.bg[i] = cell.isBgDefault() ? DEFAULT_COLOR : cell.isBgRGB() ? RGB_FLAG | cell.getBgColor() : cell.getBgColor();
      screen.attrs[i] = cell.isAttributeDefault() ? 0 : attrsOf(cell);
    }
    // A wide glyph in the last column would spill out of the pane.
    if (w > 0 && screen.width[row + w - 1] === 2) {
      screen.chars[row + w - 1] = " ";
      screen.width[row + w - 1] = 1;
    }
  }
}

/**
 * The buffer's text with its colours, as the agent would have left it in a plain terminal:
 * soft-wrapped lines are joined so the real terminal re-wraps them at its own width.
 */
export function serializeBuffer(buf: IBuffer, cols: number): string {
  let last = buf.length - 1;
  while (last >= 0 && !(buf.getLine(last)?.translateToString(true) ?? "").trim()) last--;
  const row = new Screen(cols, 1);
  let out = "";
  for (let y = 0; y <= last; y++) {
    const line = buf.getLine(y);
    if (y > 0 && !line?.isWrapped) out += "\x1b[0m\r\n";
    blitXterm(row, buf, y, 0, 0, cols, 1);
    let end = cols;
    while (end > 0 && (row.chars[end - 1] === " " || row.chars[end - 1] === "") && row.bg[end - 1] === DEFAULT_COLOR && !(row.attrs[end - 1] ?? 0)) end--;
    let style = "";
    for (let x = 0; x < end; x++) {
      if (row.width[x] === 0) continue;
      const s = sgr(row.fg[x] ?? -1, row.bg[x] ?? -1, row.attrs[x] ?? 0);
      if (s !== style) out += s;
      style = s;
      out += row.chars[x] || " ";
    }
  }
  return last >= 0 ? `${out}\x1b[0m\r\n` : "";
}

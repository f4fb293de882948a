import type { IBuffer, IBufferCell, IBufferLine } from "@xterm/headless";
import { Attr, DEFAULT_COLOR, RGB_FLAG, sgr } from "./sgr.ts";

// The agent's screen, row by row, as styled text: what <AgentPane> hands to Ink.

function attrsOf(c: IBufferCell): number {
  if (c.isAttributeDefault()) return 0;
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

const fgOf = (c: IBufferCell) =>
  c.isFgDefault() ? DEFAULT_COLOR : c.isFgRGB() ? RGB_FLAG | c.getFgColor() : c.getFgColor();
const bgOf = (c: IBufferCell) =>
  c.isBgDefault() ? DEFAULT_COLOR : c.isBgRGB() ? RGB_FLAG | c.getBgColor() : c.getBgColor();

/**
 * One emulator row as text with SGR escapes, exactly `cols` cells wide once drawn, trailing
 * default blanks cut. Each glyph takes the cells the emulator gave it: where the terminal's width
 * tables (Ink's string-width) disagree with the emulator's, the glyph is padded or replaced, so
 * wide characters and emoji never shift the rest of the row.
 */
export function paneRow(line: IBufferLine | undefined, cols: number, cell: IBufferCell): string {
  if (!line) return "";
  // Everything up to the last cell that shows something (a glyph, a background, an attribute).
  let end = Math.min(cols, line.length);
  while (end > 0) {
    if (!line.getCell(end - 1, cell)) break;
    if ((cell.getChars() && cell.getChars() !== " ") || !cell.isBgDefault() || !cell.isAttributeDefault()) break;
    end--;
  }
  let out = "";
  let style = "\x1b[0m";
  let styled = false;
  let prev = "";
  // The previous cell's colours and attributes: the SGR is built only where they change.
  let pf = DEFAULT_COLOR;
  let pb = DEFAULT_COLOR;
  let pa = 0;
  for (let x = 0; x < end; x++) {
    if (!line.getCell(x, cell)) break;
    const w = cell.getWidth();
    if (w === 0) continue; // the right half of a wide glyph
    const fg = fgOf(cell);
    const bg = bgOf(cell);
    const a = attrsOf(cell);
    if (fg !== pf || bg !== pb || a !== pa) {
      pf = fg;
      pb = bg;
      pa = a;
      const s = fg === DEFAULT_COLOR && bg === DEFAULT_COLOR && a === 0 ? "\x1b[0m" : sgr(fg, bg, a);
      if (s !== style) {
        out += s;
        style = s;
        styled = true;
      }
    }
    const ch = cell.getChars() || " ";
    // A wide glyph cut by the pane's right edge would spill over: a blank instead. A glyph that
    // would join the one before into a single grapheme (a skin tone after an emoji the emulator
    // drew apart) is blanked too: the terminal would draw them in fewer cells than the agent uses.
    if ((w === 2 && x === cols - 1) || joins(prev, ch)) out += " ".repeat(w);
    else out += fitGlyph(ch, w);
    prev = ch.charCodeAt(0) < 0x80 ? "" : ch;
  }
  return styled && style !== "\x1b[0m" ? `${out}\x1b[0m` : out;
}

const glyphWidths = new Map<string, number>();

/** Whether `ch` written right after `prev` merges with it into one grapheme. */
function joins(prev: string, ch: string): boolean {
  if (!prev || ch.charCodeAt(0) < 0x80) return false;
  return Bun.stringWidth(prev + ch) !== Bun.stringWidth(prev) + Bun.stringWidth(ch);
}

/** `ch` drawn in exactly `w` cells by a renderer that measures with Bun.stringWidth (string-width). */
export function fitGlyph(ch: string, w: number): string {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x300) return w === 2 ? `${ch} ` : ch;
  let sw = glyphWidths.get(ch);
  if (sw === undefined) {
    sw = Bun.stringWidth(ch);
    if (glyphWidths.size < 4096) glyphWidths.set(ch, sw);
  }
  if (sw === w) return ch;
  if (sw < w) return ch + " ".repeat(w - sw);
  return "?".repeat(w);
}

/** Rows `top`…`top+rows-1` of the buffer. */
export function paneRows(buf: IBuffer, top: number, cols: number, rows: number): string[] {
  const cell = buf.getNullCell();
  const out: string[] = new Array(rows);
  for (let y = 0; y < rows; y++) out[y] = paneRow(buf.getLine(top + y), cols, cell);
  return out;
}

/**
 * The buffer's text with its colours, as the agent would have left it in a plain terminal:
 * soft-wrapped lines are joined so the real terminal re-wraps them at its own width.
 */
export function serializeBuffer(buf: IBuffer, cols: number): string {
  let last = buf.length - 1;
  while (last >= 0 && !(buf.getLine(last)?.translateToString(true) ?? "").trim()) last--;
  const cell = buf.getNullCell();
  let out = "";
  for (let y = 0; y <= last; y++) {
    const line = buf.getLine(y);
    if (y > 0 && !line?.isWrapped) out += "\x1b[0m\r\n";
    out += paneRow(line, cols, cell);
  }
  return last >= 0 ? `${out}\x1b[0m\r\n` : "";
}

import { printable } from "@prodex/core";
import type { Hue, Theme } from "../env/theme.ts";

// Styled lines: the row model every view is built from. Pure data (what a row says, in which
// colour), tested as text; the Ink components (components.tsx, row.tsx) lay the rows out.

export type Seg = { text: string; hue?: Hue; bold?: boolean; dim?: boolean; inverse?: boolean };
export type Line = Seg[];
export type Style = Omit<Seg, "text">;

// Every segment's text goes through `printable`: event messages and names carry upstream text, and
// a control character in a cell would reach the user's terminal as a command.
export const seg = (text: string, style: Style = {}): Seg => ({ text: printable(text), ...style });
export const dim = (text: string): Seg => ({ text: printable(text), dim: true });
export const plain = (text: string): Seg => ({ text: printable(text) });
export const blank = (): Line => [];

export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += Bun.stringWidth(s.text);
  return w;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join("");
}

/** Exactly `w` cells: cut with an ellipsis when too long, padded with spaces when short. */
export function fit(line: Line, w: number, ellipsis = "…"): Line {
  const total = lineWidth(line);
  if (total === w) return line;
  if (total < w) return [...line, plain(" ".repeat(w - total))];
  if (w <= 0) return [];
  const out: Line = [];
  let left = w - Bun.stringWidth(ellipsis);
  for (const s of line) {
    const sw = Bun.stringWidth(s.text);
    if (sw <= left) {
      out.push(s);
      left -= sw;
      continue;
    }
    let cut = left > 0 ? Bun.sliceAnsi(s.text, 0, left) : "";
    // A wide glyph straddling the cut is dropped, not split.
    while (cut && Bun.stringWidth(cut) > left) cut = [...cut].slice(0, -1).join("");
    out.push({ ...s, text: cut + ellipsis });
    const used = Bun.stringWidth(cut + ellipsis);
    left = w - lineWidth(out);
    if (left > 0 && used) out.push(plain(" ".repeat(left)));
    return out;
  }
  return out;
}

/** `left` then `right` flush to the right edge of `w`; `left` gives way when both do not fit. */
export function spread(left: Line, right: Line, w: number, ellipsis = "…"): Line {
  const rw = lineWidth(right);
  if (rw >= w) return fit(right, w, ellipsis);
  const lw = lineWidth(left);
  if (lw + 1 + rw > w) return [...fit(left, w - rw - 1, ellipsis), plain(" "), ...right];
  return [...left, plain(" ".repeat(w - lw - rw)), ...right];
}

export function padStartText(s: string, w: number): string {
  const sw = Bun.stringWidth(s);
  return sw >= w ? s : " ".repeat(w - sw) + s;
}

export function padEndText(s: string, w: number): string {
  const sw = Bun.stringWidth(s);
  return sw >= w ? s : s + " ".repeat(w - sw);
}

/** A bordered box `w` cells wide around `body`, with an optional title in the top edge. */
export function boxed(body: Line[], w: number, theme: Theme, opts: { title?: Line; hue?: Hue } = {}): Line[] {
  const b = theme.ascii
    ? { tl: "+", tr: "+", bl: "+", br: "+", h: "-", v: "|" }
    : { tl: "╭", tr: "╮", bl: "╰", br: "╯", h: "─", v: "│" };
  const edge: Style = { hue: theme.color ? opts.hue : undefined, dim: !theme.color || !opts.hue };
  const inner = Math.max(0, w - 4);
  const title = opts.title
    ? [plain(" "), ...fit(opts.title, Math.min(lineWidth(opts.title), Math.max(0, inner - 2))), plain(" ")]
    : [];
  const top: Line = [
    seg(b.tl + b.h, edge),
    ...title,
    seg(b.h.repeat(Math.max(0, w - 3 - lineWidth(title))) + b.tr, edge),
  ];
  const rows = body.map((l) => [seg(`${b.v} `, edge), ...fit(l, inner), seg(` ${b.v}`, edge)]);
  return [top, ...rows, [seg(b.bl + b.h.repeat(Math.max(0, w - 2)) + b.br, edge)]];
}

const asciiMap: Record<string, string> = {
  "→": "->",
  "←": "<-",
  "⇄": "<>",
  "·": "-",
  "•": "*",
  "…": "...",
  "—": "-",
  "–": "-",
  "“": '"',
  "”": '"',
  "‘": "'",
  "’": "'",
  "✓": "ok",
  "✗": "x",
  "×": "x",
};

/** Text from elsewhere (event messages) made safe for an ASCII-only terminal. */
export function asciiText(s: string): string {
  return s.replace(/[^\x20-\x7e]/gu, (c) => asciiMap[c] ?? "?");
}

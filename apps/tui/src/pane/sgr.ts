// SGR (colour and attribute escapes) for the agent's cells, as the emulator stores them.

export const Attr = {
  bold: 1,
  dim: 2,
  italic: 4,
  underline: 8,
  blink: 16,
  inverse: 32,
  invisible: 64,
  strike: 128,
  overline: 256,
} as const;

/** Colour encoding: -1 default, 0..255 palette, RGB_FLAG | 0xRRGGBB true colour. */
export const DEFAULT_COLOR = -1;
export const RGB_FLAG = 0x1000000;

const attrCodes: [number, string][] = [
  [Attr.bold, "1"],
  [Attr.dim, "2"],
  [Attr.italic, "3"],
  [Attr.underline, "4"],
  [Attr.blink, "5"],
  [Attr.inverse, "7"],
  [Attr.invisible, "8"],
  [Attr.strike, "9"],
  [Attr.overline, "53"],
];

function color(c: number, base: number): string {
  if (c === DEFAULT_COLOR) return "";
  if (c & RGB_FLAG) return `;${base + 8};2;${(c >> 16) & 255};${(c >> 8) & 255};${c & 255}`;
  if (c < 8) return `;${base + c}`;
  if (c < 16) return `;${base + 60 + c - 8}`;
  return `;${base + 8};5;${c}`;
}

/** One SGR that sets exactly this style from any previous one (starts with a reset). */
export function sgr(fg: number, bg: number, attrs: number): string {
  let s = "\x1b[0";
  if (attrs) for (const [bit, code] of attrCodes) if (attrs & bit) s += `;${code}`;
  return `${s}${color(fg, 30)}${color(bg, 40)}m`;
}

import { Attr, DEFAULT_COLOR, RGB_FLAG } from "./screen.ts";

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

/** Cut a plain string to a display width (wide glyphs count twice), adding an ellipsis when cut. */
export function truncate(s: string, width: number, ellipsis = "…"): string {
  if (width <= 0) return "";
  if (Bun.stringWidth(s) <= width) return s;
  return Bun.sliceAnsi(s, 0, width, { ellipsis });
}

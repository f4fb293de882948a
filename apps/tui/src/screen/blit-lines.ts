import type { Hue } from "../env/theme.ts";
import type { Line } from "../ui/lines.ts";
import { Attr, DEFAULT_COLOR, type Screen } from "./screen.ts";

const palette: Record<Hue, number> = { red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, gray: 8 };

/**
 * Draw styled lines straight into cells at (x0, y0), clipped to w×h; the rest of the box is
 * blanked. This is the dashboard's hot path: no React, no ANSI round trip.
 */
export function blitLines(screen: Screen, lines: Line[], x0: number, y0: number, w: number, h: number): void {
  screen.fill(x0, y0, w, h);
  const n = Math.min(h, lines.length);
  for (let y = 0; y < n; y++) {
    let x = 0;
    for (const s of lines[y] ?? []) {
      const style = { fg: s.hue ? palette[s.hue] : DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: (s.bold ? Attr.bold : 0) | (s.dim ? Attr.dim : 0) | (s.inverse ? Attr.inverse : 0) };
      for (const ch of s.text) {
        const cw = Bun.stringWidth(ch);
        if (cw === 0) continue;
        if (x + cw > w) break;
        screen.set(x0 + x, y0 + y, ch, cw, style);
        if (cw === 2) screen.set(x0 + x + 1, y0 + y, "", 0, style);
        x += cw;
      }
      if (x >= w) break;
    }
  }
}

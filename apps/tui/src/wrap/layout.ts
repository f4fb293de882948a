export type PanelMode = "side" | "strip" | "hidden";

export type Rect = { x: number; y: number; cols: number; rows: number };

export type Layout = {
  cols: number;
  rows: number;
  /** What the panel preference resolved to at this size. */
  mode: PanelMode;
  pane: Rect;
  panel: Rect | null;
  /** Column of the divider between pane and panel. */
  divider: number | null;
  strip: Rect | null;
};

/** Agents lay out for at least this many columns; below it the panel folds into the strip. */
export const MIN_PANE_COLS = 80;
export const MIN_PANEL_COLS = 28;
export const MAX_PANEL_COLS = 60;

export function defaultPanelWidth(cols: number): number {
  return Math.max(32, Math.min(48, Math.round(cols * 0.28)));
}

/**
 * Where everything goes. The pane always starts at the top-left, so the agent's coordinates
 * (mouse reports, cursor) map 1:1 to the terminal's; the strip sits on the bottom line.
 */
export function computeLayout(cols: number, rows: number, pref: PanelMode, panelWidth: number | null): Layout {
  const c = Math.max(1, cols);
  const r = Math.max(1, rows);
  const width = Math.max(MIN_PANEL_COLS, Math.min(MAX_PANEL_COLS, panelWidth ?? defaultPanelWidth(c)));
  if (pref === "side" && c - width - 1 >= MIN_PANE_COLS && r >= 12) {
    const paneCols = c - width - 1;
    return {
      cols: c,
      rows: r,
      mode: "side",
      pane: { x: 0, y: 0, cols: paneCols, rows: r },
      panel: { x: paneCols + 1, y: 0, cols: width, rows: r },
      divider: paneCols,
      strip: null,
    };
  }
  if (pref !== "hidden" && r >= 4) {
    return {
      cols: c,
      rows: r,
      mode: "strip",
      pane: { x: 0, y: 0, cols: c, rows: r - 1 },
      panel: null,
      divider: null,
      strip: { x: 0, y: r - 1, cols: c, rows: 1 },
    };
  }
  return {
    cols: c,
    rows: r,
    mode: "hidden",
    pane: { x: 0, y: 0, cols: c, rows: r },
    panel: null,
    divider: null,
    strip: null,
  };
}

/** Next panel preference for the cycle key: side → strip → hidden → side. */
export function cyclePanel(pref: PanelMode): PanelMode {
  return pref === "side" ? "strip" : pref === "strip" ? "hidden" : "side";
}

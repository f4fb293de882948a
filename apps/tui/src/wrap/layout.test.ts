import { describe, expect, test } from "bun:test";
import { computeLayout, cyclePanel, defaultPanelWidth } from "./layout.ts";

describe("computeLayout", () => {
  test("wide terminal: pane left, divider, panel right", () => {
    const l = computeLayout(160, 45, "side", null);
    expect(l.mode).toBe("side");
    expect(l.panel).toEqual({ x: 160 - defaultPanelWidth(160), y: 0, cols: defaultPanelWidth(160), rows: 45 });
    expect(l.pane).toEqual({ x: 0, y: 0, cols: 160 - defaultPanelWidth(160) - 1, rows: 45 });
    expect(l.divider).toBe(l.pane.cols);
  });
  test("narrow terminal: the panel collapses to a strip on the last line", () => {
    const l = computeLayout(100, 30, "side", null);
    expect(l.mode).toBe("strip");
    expect(l.pane).toEqual({ x: 0, y: 0, cols: 100, rows: 29 });
    expect(l.strip).toEqual({ x: 0, y: 29, cols: 100, rows: 1 });
  });
  test("short terminal also uses the strip", () => {
    expect(computeLayout(200, 10, "side", null).mode).toBe("strip");
  });
  test("hidden gives the agent everything", () => {
    expect(computeLayout(160, 45, "hidden", null).pane).toEqual({ x: 0, y: 0, cols: 160, rows: 45 });
  });
  test("user panel width is clamped and can force the strip", () => {
    expect(computeLayout(200, 45, "side", 10).panel?.cols).toBe(28);
    expect(computeLayout(200, 45, "side", 500).panel?.cols).toBe(60);
    expect(computeLayout(130, 45, "side", 60).mode).toBe("strip");
  });
  test("tiny terminals never produce negative sizes", () => {
    const l = computeLayout(0, 0, "side", null);
    expect(l.pane.cols).toBeGreaterThan(0);
    expect(l.pane.rows).toBeGreaterThan(0);
  });
  test("cycle", () => {
    expect([cyclePanel("side"), cyclePanel("strip"), cyclePanel("hidden")]).toEqual(["strip", "hidden", "side"]);
  });
});
